// A local fake of the Messenger Platform Send API, for Facebook Pages and Instagram accounts:
// `POST /{version}/{account-id}/messages`. It checks what the real one checks synchronously (the
// account's token, the body's shape, text length: 2000 characters on Messenger, 1000 bytes on
// Instagram, multipart attachment uploads, sender actions) and answers with Graph's error
// envelope `{error:{message, type, code, error_subcode?, fbtrace_id}}`. Recipients can be put
// outside the 24-hour window (10/2534022 unless tagged HUMAN_AGENT) or made unreachable
// (551/1545041). `handleMessengerCall` is the request handler on its own, so the shared fake
// Graph server can route these calls to it; `startFakeMessenger` serves it alone, with the
// attachment CDN beside it (as the shared server does).
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';

export type MessengerKind = 'messenger' | 'instagram';

export interface FakeAccount {
  /** Page id (Messenger) or Instagram account id, as it appears in the send URL. */
  id: string;
  kind: MessengerKind;
  token: string;
}

export interface MessengerCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** JSON bodies as parsed; multipart bodies with `recipient`/`message` parsed and `filedata` described. */
  body: unknown;
  form: boolean;
  at: number;
  /** The HTTP status the fake answered with. */
  status?: number;
}

export interface MessengerErrorBody { message: string; type?: string; code: number; error_subcode?: number }

/**
 * A failure to answer the next call with (the next one `when` accepts, if given: e.g. only a
 * message send, not the mark_seen before it); `retryAfter` adds a Retry-After header.
 */
export type MessengerFailure = ({ status: number; error: MessengerErrorBody; retryAfter?: number } | { status: 429; retryAfter?: number }) & {
  when?: (call: MessengerCall) => boolean;
};

/** A customer's attachment on the fake CDN: served by its signed URL, without a token. */
export interface CdnFile { bytes: Buffer; mimeType: string }

export interface MessengerFakeState {
  accounts: Map<string, FakeAccount>;
  calls: MessengerCall[];
  failures: MessengerFailure[];
  /** Recipients whose standard window has closed: untagged sends fail with 10/2534022. */
  windowClosed: Set<string>;
  /** Recipients who cannot be reached (blocked the Page, deactivated): 551/1545041. */
  unavailable: Set<string>;
  seq: number;
  /** People the profile APIs know, by PSID/IGSID (Messenger: first/last name; Instagram: name, username). */
  profiles: Map<string, { first_name?: string; last_name?: string; name?: string; username?: string }>;
  /** Attachment files by CDN path, and the signature their URL carries (`oh`). */
  cdn: Map<string, CdnFile & { signature: string }>;
  /** Every request the CDN answered (path, and whether the signature matched). */
  cdnRequests: { path: string; signed: boolean }[];
}

export function newMessengerState(accounts: FakeAccount[]): MessengerFakeState {
  return { accounts: new Map(accounts.map((a) => [a.id, a])), calls: [], failures: [], windowClosed: new Set(), unavailable: new Set(), seq: 0, cdn: new Map(), cdnRequests: [], profiles: new Map() };
}

const SEND_PATH = /^\/v\d+\.\d+\/([^/]+)\/messages$/;
const TEXT_LIMIT: Record<MessengerKind, { max: number; count: (s: string) => number }> = {
  messenger: { max: 2000, count: (s) => s.length },
  instagram: { max: 1000, count: (s) => Buffer.byteLength(s, 'utf8') },
};
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const TAGS = new Set(['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT']);
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact']);
const ATTACHMENT_TYPES = new Set(['image', 'video', 'audio', 'file']);
const UPLOAD_MAX = 25 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a request body the way Graph does: JSON, or multipart form data whose `recipient` and
 * `message` fields are JSON strings and whose `filedata` is the file.
 */
export async function parseMessengerBody(raw: Buffer, contentType: string | undefined): Promise<{ body: unknown; form: boolean }> {
  if (contentType?.startsWith('multipart/form-data')) {
    const data = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const body: Record<string, unknown> = {};
    for (const [key, value] of data) {
      if (typeof value !== 'string') body[key] = { name: value.name, type: value.type, size: value.size };
      else if (key === 'recipient' || key === 'message' || key === 'payload') body[key] = jsonOr(value);
      else body[key] = value;
    }
    return { body, form: true };
  }
  const text = raw.toString('utf8');
  return { body: raw.length ? jsonOr(text) : undefined, form: false };
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // kept as text: the validation rejects it like Graph does
  }
}

const param = (message: string): MessengerErrorBody => ({ message: `(#100) ${message}`, code: 100 });

/** Why Graph would refuse this send body (code 100 and friends), or undefined when it is fine. */
function invalidSend(kind: MessengerKind, body: unknown, form: boolean): MessengerErrorBody | undefined {
  if (!isObject(body)) return param('The parameter recipient is required');
  const recipient = body.recipient;
  if (!isObject(recipient) || typeof recipient.id !== 'string' || recipient.id === '') return param('The parameter recipient is required');
  const hasMessage = body.message !== undefined;
  const action = body.sender_action;
  if (hasMessage && action !== undefined) return param('Cannot send both message and state at the same time.');
  if (action !== undefined) return invalidAction(action, body.payload);
  if (!hasMessage) return param('The parameter message is required');
  const type = body.messaging_type;
  // Messenger requires messaging_type; Instagram's Send API reads it only when given.
  if (type === undefined ? kind === 'messenger' : typeof type !== 'string' || !MESSAGING_TYPES.has(type)) {
    return param('Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  }
  if (type === 'MESSAGE_TAG' && (typeof body.tag !== 'string' || !TAGS.has(body.tag))) return param('Param tag must be a valid message tag when messaging_type is MESSAGE_TAG');
  return invalidMessage(kind, body.message, form ? body.filedata : undefined);
}

function invalidAction(action: unknown, payload: unknown): MessengerErrorBody | undefined {
  if (typeof action !== 'string' || !SENDER_ACTIONS.has(action)) return param(`Param sender_action must be one of {${[...SENDER_ACTIONS].join(', ')}}`);
  if (action !== 'react' && action !== 'unreact') return undefined;
  if (!isObject(payload) || typeof payload.message_id !== 'string') return param('The parameter payload[message_id] is required');
  if (action === 'react' && (typeof payload.reaction !== 'string' || payload.reaction === '')) return param('The parameter payload[reaction] is required');
  return undefined;
}

function invalidMessage(kind: MessengerKind, message: unknown, filedata: unknown): MessengerErrorBody | undefined {
  if (!isObject(message)) return param('The parameter message must be an object');
  const { text, attachment } = message;
  if ((text === undefined) === (attachment === undefined)) return param('Exactly one of message[text] or message[attachment] is required');
  if (text !== undefined) {
    if (typeof text !== 'string' || text === '') return param('The parameter message[text] must be a non-empty string');
    const limit = TEXT_LIMIT[kind];
    if (limit.count(text) > limit.max) return param(`Length of param message[text] must be less than or equal to ${limit.max}`);
    return undefined;
  }
  if (!isObject(attachment) || typeof attachment.type !== 'string' || !ATTACHMENT_TYPES.has(attachment.type)) {
    return param('Param message[attachment][type] must be one of {image, video, audio, file}');
  }
  const payload = isObject(attachment.payload) ? attachment.payload : {};
  if (typeof payload.url === 'string' || typeof payload.attachment_id === 'string') return undefined;
  if (!isObject(filedata)) return param('Either message[attachment][payload][url], an attachment_id or filedata is required');
  // Instagram takes attachments by URL only (an upload from a server is refused).
  if (kind === 'instagram') return { message: '(#100) Upload attachment failure.', code: 100 };
  if (Number(filedata.size) > UPLOAD_MAX) return { message: '(#100) Attachment size exceeds allowable limit', code: 100 };
  return undefined;
}

interface Answer { status: number; body: unknown; headers?: Record<string, string> }

const errorAnswer = (status: number, error: MessengerErrorBody, headers?: Record<string, string>): Answer => ({
  status,
  body: { error: { type: 'OAuthException', ...error, fbtrace_id: randomBytes(9).toString('base64url') } },
  headers,
});

/**
 * Handles one Send API call if it is for one of the state's accounts (returns true), else
 * leaves it alone (false) so a shared server can try its other handlers. The call is recorded
 * with the HTTP status it was answered with.
 */
export function handleMessengerCall(state: MessengerFakeState, call: MessengerCall, authHeader: string | undefined, res: ServerResponse): boolean {
  if (answerProfile(state, call, authHeader, res)) return true;
  const match = SEND_PATH.exec(call.path);
  const id = match ? decodeURIComponent(match[1]!) : undefined;
  // `me` is whoever the token belongs to (the Page linked to an Instagram account, or the page itself).
  const account = id === 'me' ? [...state.accounts.values()].find((a) => authHeader === `Bearer ${a.token}`) : id ? state.accounts.get(id) : undefined;
  if (id === 'me' && !account && state.accounts.size > 0) {
    // Graph cannot tell who `me` is without a valid token.
    state.calls.push(call);
    const answer = errorAnswer(401, { message: 'Invalid OAuth access token.', code: 190 });
    call.status = answer.status;
    sendJson(res, answer.status, answer.body, answer.headers);
    return true;
  }
  if (!account) return false;
  state.calls.push(call);
  const answer = answerCall(state, account, call, authHeader);
  call.status = answer.status;
  sendJson(res, answer.status, answer.body, answer.headers);
  return true;
}

function answerCall(state: MessengerFakeState, account: FakeAccount, call: MessengerCall, authHeader: string | undefined): Answer {
  const at = state.failures.findIndex((f) => !f.when || f.when(call));
  const injected = at < 0 ? undefined : state.failures.splice(at, 1)[0];
  if (injected) {
    const headers: Record<string, string> = injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) };
    return errorAnswer(injected.status, 'error' in injected ? injected.error : { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 }, headers);
  }
  if (call.method !== 'POST') return errorAnswer(400, { message: `Unsupported ${call.method.toLowerCase()} request.`, type: 'GraphMethodException', code: 100, error_subcode: 33 });
  if (authHeader !== `Bearer ${account.token}` && call.query.access_token !== account.token) {
    return errorAnswer(401, { message: 'Invalid OAuth access token.', code: 190 }, { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token."' });
  }
  const problem = invalidSend(account.kind, call.body, call.form);
  if (problem) return errorAnswer(400, problem);
  const body = call.body as { recipient: { id: string }; messaging_type?: string; sender_action?: string; message?: { attachment?: { payload?: { is_reusable?: boolean } } } };
  const to = body.recipient.id;
  if (state.unavailable.has(to)) return errorAnswer(400, { message: "(#551) This person isn't available right now.", code: 551, error_subcode: 1545041 });
  if (state.windowClosed.has(to) && body.messaging_type !== 'MESSAGE_TAG') {
    return errorAnswer(400, { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2534022 });
  }
  if (body.sender_action) return { status: 200, body: { recipient_id: to } };
  state.seq += 1;
  // Real mids are opaque; unique per message is what callers rely on.
  const mid = `m_FAKE${Buffer.from(`${account.id}:${to}:${state.seq}:${randomBytes(4).toString('hex')}`).toString('base64url')}`;
  const reusable = body.message?.attachment?.payload?.is_reusable === true;
  return { status: 200, body: { recipient_id: to, message_id: mid, ...(reusable ? { attachment_id: String(9_000_000_000_000 + state.seq) } : {}) } };
}

/** A message send (text or attachment), not a sender action: what a failure's `when` usually targets. */
export const isMessengerSend = (c: MessengerCall): boolean => c.method === 'POST' && isObject(c.body) && c.body.message !== undefined;

// Meta's attachment CDN (scontent.xx.fbcdn.net, lookaside.fbsbx.com): a customer's file is a
// public GET of a signed URL (`oh` signature, `oe` expiry), no token. A wrong signature is
// refused with 403, as the CDN does ("URL signature mismatch").
const CDN_PATH = /^\/cdn\/v\/t1\.15752-9\/[^/]+$/;

/** Puts a file on the fake CDN; returns its signed URL under `baseUrl` (the serving fake's). */
export function addCdnFile(state: MessengerFakeState, baseUrl: string, name: string, file: CdnFile): string {
  const path = `/cdn/v/t1.15752-9/${state.cdn.size + 1}_${encodeURIComponent(name)}`;
  const signature = `00_${randomBytes(12).toString('base64url')}`;
  state.cdn.set(path, { ...file, signature });
  return `${baseUrl}${path}?_nc_cat=1&oh=${signature}&oe=${(Math.floor(Date.now() / 1000) + 86_400).toString(16).toUpperCase()}`;
}

/** Answers a CDN GET (returns true), or leaves the request alone (false). */
export function serveCdnFile(state: MessengerFakeState, method: string | undefined, url: URL, res: ServerResponse): boolean {
  if (method !== 'GET' || !CDN_PATH.test(url.pathname)) return false;
  const file = state.cdn.get(url.pathname);
  const signed = file !== undefined && url.searchParams.get('oh') === file.signature;
  state.cdnRequests.push({ path: url.pathname, signed });
  if (!file) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  else if (!signed) res.writeHead(403, { 'content-type': 'text/plain' }).end('URL signature mismatch');
  else res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) }).end(file.bytes);
  return true;
}


/** The text sends the fake accepted, in order (`accountId` is the path's id: a page id or `me`). */
export function sentTexts(state: MessengerFakeState): SentText[] {
  return state.calls.filter(isMessengerSend).flatMap((c) => {
    const b = c.body as { recipient?: { id?: string }; message?: { text?: unknown }; messaging_type?: string; tag?: string };
    if (c.status !== 200 || typeof b.message?.text !== 'string') return [];
    return [{ accountId: SEND_PATH.exec(c.path)![1]!, to: String(b.recipient?.id), text: b.message.text, messagingType: b.messaging_type, tag: b.tag }];
  });
}

export interface SentText { accountId: string; to: string; text: string; messagingType: string | undefined; tag: string | undefined }

export interface FakeMessenger {
  url: string;
  version: string;
  state: MessengerFakeState;
  calls: MessengerCall[];
  /** Message sends (text or attachment) the fake accepted or refused, in arrival order. */
  sends(): MessengerCall[];
  /** The text sends the fake accepted, read back in order. */
  texts(): SentText[];
  /** Sender actions (mark_seen, react, unreact…). */
  actions(): MessengerCall[];
  failNext(failure: MessengerFailure): void;
  /**
   * Puts a customer's attachment on the fake CDN (served by this server, without a token, like
   * Meta's fbcdn/fbsbx hosts); returns the signed URL a webhook carries. Requests: `state.cdnRequests`.
   */
  addAttachment(name: string, file: CdnFile): string;
  waitFor(pred: (calls: MessengerCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeMessenger(opts: { accounts: FakeAccount[]; version?: string }): Promise<FakeMessenger> {
  const version = opts.version ?? 'v21.0';
  const state = newMessengerState(opts.accounts);
  const server = await listenLocal(async (req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (serveCdnFile(state, req.method, url, res)) return;
    const { body, form } = await parseMessengerBody(raw, req.headers['content-type']);
    const call: MessengerCall = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...req.headers }, body, form, at: Date.now() };
    if (!handleMessengerCall(state, call, req.headers.authorization, res)) {
      const a = errorAnswer(400, { message: `Unsupported post request. Object with ID does not exist: ${call.path}`, type: 'GraphMethodException', code: 100, error_subcode: 33 });
      sendJson(res, a.status, a.body);
    }
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    url: baseUrl,
    version,
    state,
    calls: state.calls,
    sends: () => state.calls.filter(isMessengerSend),
    texts: () => sentTexts(state),
    actions: () => state.calls.filter((c) => isObject(c.body) && c.body.sender_action !== undefined),
    failNext: (failure) => void state.failures.push(failure),
    addAttachment: (name, file) => addCdnFile(state, baseUrl, name, file),
    waitFor: (pred, timeoutMs = 5000) => pollUntil(state.calls, pred, timeoutMs, (c) => `${c.method} ${c.path} ${brief(c.body)}`, 'FakeMessenger'),
    close: () => server.close(),
  };
}

const PROFILE_PATH = /^\/v\d+\.\d+\/(\d+)$/;

/** `GET /{psid}?fields=…`: the fields asked for, of a person the fake knows, for any account's token. */
function answerProfile(state: MessengerFakeState, call: MessengerCall, authHeader: string | undefined, res: ServerResponse): boolean {
  const m = call.method === 'GET' ? PROFILE_PATH.exec(call.path) : null;
  const person = m ? state.profiles.get(m[1]!) : undefined;
  if (!person) return false;
  state.calls.push(call);
  const known = [...state.accounts.values()].some((a) => authHeader === `Bearer ${a.token}`);
  const answer = known
    ? { status: 200, body: { id: m![1], ...Object.fromEntries((call.query.fields ?? '').split(',').filter((f) => f in person).map((f) => [f, person[f as keyof typeof person]])) } }
    : errorAnswer(401, { message: 'Invalid OAuth access token.', code: 190 });
  call.status = answer.status;
  sendJson(res, answer.status, answer.body);
  return true;
}
