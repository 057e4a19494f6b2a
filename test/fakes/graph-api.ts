// A local fake of Meta's Graph API for the WhatsApp Cloud API: sends (`POST /{v}/{phone_number_id}/messages`),
// media (`GET /{v}/{media_id}`, the download URL it returns, `POST /{v}/{phone_number_id}/media`), templates
// (`GET /{v}/{waba_id}/message_templates`, cursor-paged) and the Block Users API. It validates what Graph
// validates synchronously (token, request shapes) and answers with Graph's error envelope
// `{error:{message, type, code, error_subcode?, error_data?, fbtrace_id}}`, so the adapter's error handling
// meets realistic bodies. Window/template failures are asynchronous in reality (a `failed` status webhook), so
// they are not simulated here.
import { NumberThroughput, THROUGHPUT_ERROR } from './graph-limits.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { addCdnFile, handleMessengerCall, newMessengerState, parseMessengerBody, sentTexts, serveCdnFile, type CdnFile, type FakeAccount, type MessengerCall, type MessengerFakeState, type SentText } from './messenger-api.js';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';

export interface GraphCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; for a multipart upload, its text fields and `file: {filename, type, size, bytes}`. */
  body: unknown;
  at: number;
  /** Refused by the number's throughput (limitPerNumber), not sent. */
  limited?: boolean;
}

export interface GraphErrorBody { message: string; type?: string; code: number; error_subcode?: number; error_data?: unknown }

export type GraphFailure = { status: number; error: GraphErrorBody } | { status: 429; retryAfter?: number };

/** A file Graph holds: one a customer sent (registered by a test) or one we uploaded. */
export interface FakeMedia {
  bytes: Buffer;
  mimeType: string;
  /** Where `GET /{media_id}` says the file is, instead of this fake's own URL (a misbehaving Graph). */
  url?: string;
}

/** An upload as it arrived: the `type` field, and the file part's own name and type. */
export interface FakeUpload extends FakeMedia { phoneNumberId: string; filename: string | undefined; fileType: string }

/** A template as Graph stores it; `id` is made up when absent. */
export interface FakeTemplate {
  name: string; language: string; status: string; category: string;
  components: { type: string; format?: string; text?: string; buttons?: { type: string; text?: string; url?: string }[] }[];
  id?: string;
}

export interface FakeGraph {
  url: string;
  /** The version the fake was started with; any `vNN.N` is accepted on requests. */
  version: string;
  calls: GraphCall[];
  /** Everything POSTed to `/messages`: messages, reactions and read receipts. */
  sends(): GraphCall[];
  /** The next call (that `when` accepts, if given) fails this way. */
  failNext(failure: GraphFailure, when?: (call: GraphCall) => boolean): void;
  hangNext(ms: number, when?: (call: GraphCall) => boolean): void;
  /** wa_ids currently on the number's block list (block_users). */
  blocked: Set<string>;
  /** wa_ids Meta will refuse to block (they have not written in the last 24 hours). */
  notEngaged: Set<string>;
  /** Makes `GET /{v}/{id}` answer for a customer's file, and its URL serve these bytes. */
  addMedia(id: string, media: FakeMedia): void;
  /** Uploads by the media id the fake answered with (they can be fetched back like any media). */
  uploads: Map<string, FakeUpload>;
  /** The Messenger/Instagram side of Graph (accounts given at start), and the texts it accepted. */
  messenger: MessengerFakeState;
  messengerTexts(): SentText[];
  /**
   * Puts a customer's Messenger/Instagram attachment on the fake CDN (served by this server,
   * without a token, like Meta's fbcdn/fbsbx hosts); returns the signed URL a webhook carries.
   */
  addAttachment(name: string, file: CdnFile): string;
  /** Templates by WABA id; a WABA not in the map is an unknown object. */
  templates: Map<string, FakeTemplate[]>;
  waitFor(pred: (calls: GraphCall[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Meta's per-number throughput (80/s by default in reality): sends past it answer 130429; null (the default) turns it off. */
  limitPerNumber(perSecond: number | null): void;
  /** Sends refused by that limit, by phone number id. */
  throughputRefused: Map<string, number>;
  close(): Promise<void>;
}

const V = String.raw`/v\d+\.\d+`;
const SEND_PATH = new RegExp(`^${V}/([^/]+)/messages$`);
const BLOCK_PATH = new RegExp(`^${V}/(\\d+)/block_users$`);
const UPLOAD_PATH = new RegExp(`^${V}/([^/]+)/media$`);
const TEMPLATES_PATH = new RegExp(`^${V}/([^/]+)/message_templates$`);
const OBJECT_PATH = new RegExp(`^${V}/([^/]+)$`);
// Where Graph's media URLs point (lookaside.fbsbx.com in reality); served by this fake.
const DOWNLOAD_PATH = /^\/whatsapp_business\/attachments\/?$/;
const TEXT_MAX = 4096;

// Types the Cloud API accepts on send, and the field each needs inside `<type>`.
const SEND_TYPES: Record<string, (o: Record<string, unknown>) => string | undefined> = {
  text: (o) => (typeof o.body !== 'string' || o.body === '' ? "The parameter text['body'] is required."
    : o.body.length > TEXT_MAX ? `Param text['body'] must be at most ${TEXT_MAX} characters long.` : undefined),
  image: media('image'), audio: media('audio'), video: media('video'), document: media('document'), sticker: media('sticker'),
  location: (o) => (typeof o.latitude === 'number' || typeof o.latitude === 'string') && (typeof o.longitude === 'number' || typeof o.longitude === 'string')
    ? undefined : "The parameters location['latitude'] and location['longitude'] are required.",
  reaction: (o) => (typeof o.message_id === 'string' && typeof o.emoji === 'string' ? undefined : "The parameters reaction['message_id'] and reaction['emoji'] are required."),
  template: (o) => {
    const lang = o.language as { code?: unknown } | undefined;
    if (typeof o.name !== 'string' || typeof lang?.code !== 'string') return "The parameters template['name'] and template['language']['code'] are required.";
    if (o.components === undefined) return undefined;
    const ok = Array.isArray(o.components) && o.components.every((c: unknown) => isObject(c) && typeof c.type === 'string'
      && (c.parameters === undefined || (Array.isArray(c.parameters) && c.parameters.every((p: unknown) => isObject(p) && p.type === 'text' && typeof p.text === 'string'))));
    return ok ? undefined : "Each of template['components'] needs a type and parameters of {type, text}.";
  },
  interactive: (o) => (typeof o.type === 'string' && typeof o.action === 'object' ? undefined : "The parameters interactive['type'] and interactive['action'] are required."),
  contacts: () => undefined,
};

function media(type: string) {
  return (o: Record<string, unknown>) => {
    if (typeof o.id !== 'string' && typeof o.link !== 'string') return `Either ${type}['id'] or ${type}['link'] is required.`;
    // Meta's media object: no caption with audio or stickers, filename for documents only. Refused here so a test notices.
    if (o.caption !== undefined && !['image', 'video', 'document'].includes(type)) return `Param ${type}['caption'] is not allowed.`;
    if (o.filename !== undefined && type !== 'document') return `Param ${type}['filename'] is not allowed.`;
    return undefined;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why Graph would reject this send body with code 100, or undefined if it is acceptable. */
function invalidSend(body: unknown): string | undefined {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (body.messaging_product !== 'whatsapp') return "The parameter messaging_product is required and must be 'whatsapp'.";
  if (body.status === 'read') return typeof body.message_id === 'string' ? undefined : 'The parameter message_id is required.';
  // A phone in `to`, or (since 2026) a business-scoped user id in `recipient`; `to` wins when both are given.
  const bsuid = typeof body.recipient === 'string' && /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/.test(body.recipient);
  if ((typeof body.to !== 'string' || body.to === '') && !bsuid) return 'The parameter to is required.';
  const type = typeof body.type === 'string' ? body.type : 'text'; // Graph defaults type to text
  const check = SEND_TYPES[type];
  if (!check) return `Unsupported message type: ${type}`;
  const payload = body[type];
  if (!isObject(payload) && !(type === 'contacts' && Array.isArray(payload))) return `The parameter ${type} is required.`;
  return isObject(payload) ? check(payload) : undefined;
}

const TEMPLATE_FIELDS = ['name', 'language', 'status', 'category', 'components'] as const;
const cursor = (index: number) => Buffer.from(`idx:${index}`).toString('base64url');
const fromCursor = (c: string | undefined) => (c ? Number(Buffer.from(c, 'base64url').toString().replace(/^idx:/, '')) : 0);

export async function startFakeGraph(opts: { token: string; version?: string; messengerAccounts?: FakeAccount[] }): Promise<FakeGraph> {
  const messenger = newMessengerState(opts.messengerAccounts ?? []);
  const version = opts.version ?? 'v21.0';
  const calls: GraphCall[] = [];
  // Injected trouble, each for the next call it applies to (any call, or those `when` accepts).
  const failures: { failure: GraphFailure; when?: (call: GraphCall) => boolean }[] = [];
  const hangs: { ms: number; when?: (call: GraphCall) => boolean }[] = [];
  const take = <T extends { when?: (call: GraphCall) => boolean }>(list: T[], call: GraphCall): T | undefined => {
    const i = list.findIndex((x) => !x.when || x.when(call));
    return i < 0 ? undefined : list.splice(i, 1)[0];
  };
  let wamidCounter = 0;
  const throughput = new NumberThroughput();
  let mediaCounter = 0;
  const blocked = new Set<string>();
  const notEngaged = new Set<string>();
  const stored = new Map<string, FakeMedia>();
  const uploads = new Map<string, FakeUpload>();
  const templates = new Map<string, FakeTemplate[]>();
  let baseUrl = '';

  const traceId = () => randomBytes(9).toString('base64url');
  const graphError = (res: ServerResponse, status: number, error: GraphErrorBody, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error: { ...error, fbtrace_id: traceId() } }, headers);
  const invalidToken = (res: ServerResponse) => graphError(res, 401, { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 },
    { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token."' });
  const invalidParameter = (res: ServerResponse, details: string) =>
    graphError(res, 400, { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details } });
  const unknownObject = (res: ServerResponse, id: string, verb = 'get') => graphError(res, 400, {
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException', code: 100, error_subcode: 33,
  });

  /**
   * Who answers a request, in one place: an injected failure first, then the route whose method
   * and path match (each checks the bearer token itself, as Graph does per edge), else Graph's
   * unknown-path error. Messenger/Instagram sends (a JSON body with `recipient` instead of
   * `messaging_product`) are to be routed to their own fake here, before the WhatsApp routes.
   */
  function dispatch(call: GraphCall, auth: string | undefined, res: ServerResponse): void {
    const injected = take(failures, call)?.failure;
    if (injected) {
      if ('error' in injected) return graphError(res, injected.status, injected.error);
      const headers: Record<string, string> = injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) };
      return graphError(res, 429, { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' } }, headers);
    }
    const authorized = auth === `Bearer ${opts.token}`;
    const route = (method: string, pattern: RegExp) => (call.method === method ? pattern.exec(call.path) : null);
    let m: RegExpExecArray | null;
    if ((m = route('POST', SEND_PATH))) return authorized ? answerSend(call, m[1]!, res) : invalidToken(res);
    if ((m = route('POST', UPLOAD_PATH))) return authorized ? answerUpload(call, m[1]!, res) : invalidToken(res);
    if ((m = route('POST', BLOCK_PATH) ?? route('DELETE', BLOCK_PATH))) return authorized ? answerBlock(call, res) : invalidToken(res);
    if ((m = route('GET', TEMPLATES_PATH))) return authorized ? answerTemplates(call, m[1]!, res) : invalidToken(res);
    if ((m = route('GET', DOWNLOAD_PATH))) return answerDownload(call, authorized, res);
    if ((m = route('GET', OBJECT_PATH))) return authorized ? answerMediaInfo(decodeURIComponent(m[1]!), res) : invalidToken(res);
    return graphError(res, 404, { message: `Unknown path components: ${call.path}`, type: 'OAuthException', code: 2500 });
  }

  function answerSend(call: GraphCall, phoneNumberId: string, res: ServerResponse): void {
    const problem = invalidSend(call.body);
    if (problem !== undefined) return invalidParameter(res, problem);
    const body = call.body as Record<string, unknown>;
    if (body.status === 'read') return sendJson(res, 200, { success: true });
    if (!throughput.admit(decodeURIComponent(phoneNumberId))) {
      call.limited = true;
      return graphError(res, THROUGHPUT_ERROR.status, THROUGHPUT_ERROR.error);
    }
    wamidCounter += 1;
    const to = typeof body.to === 'string' && body.to !== '' ? body.to : undefined;
    const address = to ?? String(body.recipient);
    // Real wamids are opaque base64; uniqueness is what matters to callers (dedupe, status mapping).
    const id = `wamid.FAKE${Buffer.from(`${address}:${wamidCounter}:${randomBytes(4).toString('hex')}`).toString('base64url')}`;
    // Sent to a BSUID, the answer's contact carries `user_id` instead of `wa_id`.
    const contact = to ? { input: to, wa_id: to } : { input: address, user_id: address };
    sendJson(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id }] });
  }

  function answerUpload(call: GraphCall, phoneNumberId: string, res: ServerResponse): void {
    const form = call.body as { messaging_product?: unknown; type?: unknown; file?: { filename?: string; type: string; bytes: Buffer } } | undefined;
    if (!isObject(form) || !form.file) return invalidParameter(res, 'The parameter file is required.');
    if (form.messaging_product !== 'whatsapp') return invalidParameter(res, "The parameter messaging_product is required and must be 'whatsapp'.");
    if (typeof form.type !== 'string' || form.type === '') return invalidParameter(res, 'The parameter type is required.');
    mediaCounter += 1;
    const id = String(9_000_000_000_000 + mediaCounter);
    const { bytes, filename, type: fileType } = form.file;
    uploads.set(id, { bytes, mimeType: form.type, phoneNumberId, filename, fileType });
    stored.set(id, { bytes, mimeType: form.type });
    sendJson(res, 200, { id });
  }

  function answerMediaInfo(id: string, res: ServerResponse): void {
    const file = stored.get(id);
    if (!file) return unknownObject(res, id);
    const url = file.url ?? `${baseUrl}/whatsapp_business/attachments/?mid=${encodeURIComponent(id)}&ext=${Date.now()}&hash=${randomBytes(6).toString('base64url')}`;
    sendJson(res, 200, {
      messaging_product: 'whatsapp', url, mime_type: file.mimeType,
      sha256: createHash('sha256').update(file.bytes).digest('hex'), file_size: file.bytes.length, id,
    });
  }

  // The media URL needs the same bearer token as the API (Meta: a plain GET of it does not return the file).
  function answerDownload(call: GraphCall, authorized: boolean, res: ServerResponse): void {
    if (!authorized) return void sendJson(res, 401, { error: 'unauthorized' });
    const file = stored.get(call.query.mid ?? '');
    if (!file) return void sendJson(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  }

  function answerTemplates(call: GraphCall, wabaId: string, res: ServerResponse): void {
    const all = templates.get(wabaId);
    if (!all) return unknownObject(res, wabaId);
    const limit = call.query.limit === undefined ? 25 : Number(call.query.limit);
    if (!Number.isInteger(limit) || limit < 1) return invalidParameter(res, 'Param limit must be a positive integer.');
    const fields = call.query.fields ? call.query.fields.split(',').map((f) => f.trim()) : [...TEMPLATE_FIELDS];
    const start = fromCursor(call.query.after);
    const page = all.slice(start, start + limit);
    const data = page.map((t, i) => {
      const row: Record<string, unknown> = {};
      for (const f of fields) if (f in t) row[f] = t[f as keyof FakeTemplate];
      row.id = t.id ?? String(7_000_000_000_000 + start + i);
      return row;
    });
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
    if (start + page.length < all.length) {
      const next = new URLSearchParams({ ...call.query, after: cursor(start + page.length) });
      paging.next = `${baseUrl}${call.path}?${next.toString()}`;
    }
    sendJson(res, 200, { data, paging });
  }

  function answerBlock(call: GraphCall, res: ServerResponse): void {
    const b = call.body as { messaging_product?: string; block_users?: { user?: string }[] } | undefined;
    if (b?.messaging_product !== 'whatsapp' || !Array.isArray(b.block_users) || b.block_users.some((u) => typeof u.user !== 'string')) {
      return graphError(res, 400, { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 });
    }
    // Meta: only users who wrote in the last 24 hours can be blocked (unblocking has no such rule).
    const users = b.block_users.map((u) => u.user!);
    const failed = call.method === 'POST' ? users.filter((u) => notEngaged.has(u)) : [];
    const ok = users.filter((u) => !failed.includes(u));
    if (call.method === 'POST') ok.forEach((u) => blocked.add(u));
    else ok.forEach((u) => blocked.delete(u));
    const key = call.method === 'POST' ? 'added_users' : 'removed_users';
    sendJson(res, 200, {
      messaging_product: 'whatsapp',
      block_users: {
        [key]: ok.map((u) => ({ input: u, wa_id: u })),
        ...(failed.length ? { failed_users: failed.map((u) => ({ input: u, wa_id: u, errors: [{ message: 'Not engaged contact', code: 139100, error_data: { details: 'The user has not messaged the business in the last 24 hours.' } }] })) } : {}),
      },
    });
  }

  const server = await listenLocal(async (req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    // Messenger and Instagram accounts share the server, as they share Graph: their Send API
    // calls are answered by the Messenger fake (and their attachment URLs by its CDN),
    // everything else by the WhatsApp routes.
    if (serveCdnFile(messenger, req.method, url, res)) return;
    if (messenger.accounts.size > 0) {
      const parsed = await parseMessengerBody(raw, req.headers['content-type']);
      const mcall: MessengerCall = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...req.headers }, ...parsed, at: Date.now() };
      if (handleMessengerCall(messenger, mcall, req.headers.authorization, res)) return;
    }
    const call: GraphCall = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...req.headers }, body: await readBody(req, raw), at: Date.now() };
    calls.push(call);
    const delay = take(hangs, call)?.ms;
    if (delay === undefined) return dispatch(call, req.headers.authorization, res);
    const t = setTimeout(() => {
      server.timers.delete(t);
      // The client may have given up (timeout/abort) while we slept.
      if (!res.destroyed) dispatch(call, req.headers.authorization, res);
    }, delay);
    server.timers.add(t);
  });
  baseUrl = `http://127.0.0.1:${server.port}`;

  return {
    url: baseUrl,
    version,
    calls,
    sends: () => calls.filter((c) => c.method === 'POST' && SEND_PATH.test(c.path)),
    failNext: (failure, when) => void failures.push({ failure, when }),
    blocked,
    notEngaged,
    addMedia: (id, m) => void stored.set(id, m),
    messenger,
    messengerTexts: () => sentTexts(messenger),
    addAttachment: (name, file) => addCdnFile(messenger, baseUrl, name, file),
    uploads,
    templates,
    hangNext: (ms, when) => void hangs.push({ ms, when }),
    limitPerNumber: (perSecond) => throughput.set(perSecond),
    throughputRefused: throughput.refused,
    waitFor: (pred, timeoutMs = 5000) =>
      pollUntil(calls, pred, timeoutMs, (c) => `${c.method} ${c.path} ${brief(c.body)}`, 'FakeGraph'),
    close: () => server.close(),
  };
}

/** JSON as parsed (raw text when it is not JSON: the send check rejects it); multipart as its fields and file. */
async function readBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
  if (raw.length === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    try {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      const out: Record<string, unknown> = {};
      for (const [key, value] of form) {
        out[key] = typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size, bytes: Buffer.from(await value.arrayBuffer()) };
      }
      return out;
    } catch {
      return raw.toString('utf8');
    }
  }
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A message to a customer (text, media, template, reaction), not a read receipt. */
export const isMessageSend = (c: GraphCall): boolean =>
  c.method === 'POST' && /\/messages$/.test(c.path) && typeof c.body === 'object' && c.body !== null && ('to' in c.body || typeof (c.body as { recipient?: unknown }).recipient === 'string');
