// A local fake of Meta's Graph API for WhatsApp Cloud API sends: `POST /{version}/{phone_number_id}/messages`.
// It validates what Graph validates synchronously (token, the JSON shape of a send) and answers with
// Graph's error envelope `{error:{message, type, code, error_subcode?, fbtrace_id}}`, so the
// adapter's error classification is exercised against realistic bodies. Window/template failures
// are asynchronous in reality (a `failed` status webhook), so they are not simulated here.
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';

export interface GraphCall { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: unknown; at: number }

export interface GraphErrorBody { message: string; type?: string; code: number; error_subcode?: number; error_data?: unknown }

export type GraphFailure = { status: number; error: GraphErrorBody } | { status: 429; retryAfter?: number };

export interface FakeGraph {
  url: string;
  /** The version the fake was started with; any `vNN.N` is accepted on requests. */
  version: string;
  calls: GraphCall[];
  sends(): GraphCall[];
  failNext(failure: GraphFailure): void;
  hangNext(ms: number): void;
  /** wa_ids currently on the number's block list (block_users). */
  blocked: Set<string>;
  /** wa_ids Meta will refuse to block (they have not written in the last 24 hours). */
  notEngaged: Set<string>;
  waitFor(pred: (calls: GraphCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SEND_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/;
const BLOCK_PATH = /^\/v\d+\.\d+\/(\d+)\/block_users$/;
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
    return typeof o.name === 'string' && typeof lang?.code === 'string' ? undefined : "The parameters template['name'] and template['language']['code'] are required.";
  },
  interactive: (o) => (typeof o.type === 'string' && typeof o.action === 'object' ? undefined : "The parameters interactive['type'] and interactive['action'] are required."),
  contacts: () => undefined,
};

function media(type: string) {
  return (o: Record<string, unknown>) => (typeof o.id === 'string' || typeof o.link === 'string' ? undefined : `Either ${type}['id'] or ${type}['link'] is required.`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why Graph would reject this send body with code 100, or undefined if it is acceptable. */
function invalidSend(body: unknown): string | undefined {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (body.messaging_product !== 'whatsapp') return "The parameter messaging_product is required and must be 'whatsapp'.";
  if (body.status === 'read') return typeof body.message_id === 'string' ? undefined : 'The parameter message_id is required.';
  if (typeof body.to !== 'string' || body.to === '') return 'The parameter to is required.';
  const type = typeof body.type === 'string' ? body.type : 'text'; // Graph defaults type to text
  const check = SEND_TYPES[type];
  if (!check) return `Unsupported message type: ${type}`;
  const payload = body[type];
  if (!isObject(payload) && !(type === 'contacts' && Array.isArray(payload))) return `The parameter ${type} is required.`;
  return isObject(payload) ? check(payload) : undefined;
}

export async function startFakeGraph(opts: { token: string; version?: string }): Promise<FakeGraph> {
  const version = opts.version ?? 'v21.0';
  const calls: GraphCall[] = [];
  const failures: GraphFailure[] = [];
  const hangs: number[] = [];
  let wamidCounter = 0;
  const blocked = new Set<string>();
  const notEngaged = new Set<string>();

  const traceId = () => randomBytes(9).toString('base64url');
  const graphError = (res: ServerResponse, status: number, error: GraphErrorBody, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error: { ...error, fbtrace_id: traceId() } }, headers);

  function respond(call: GraphCall, authHeader: string | undefined, res: ServerResponse): void {
    const injected = failures.shift();
    if (injected) {
      if ('error' in injected) return graphError(res, injected.status, injected.error);
      const headers: Record<string, string> = injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) };
      return graphError(res, 429, { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' } }, headers);
    }
    const block = BLOCK_PATH.exec(call.path);
    if (block && (call.method === 'POST' || call.method === 'DELETE')) {
      if (authHeader !== `Bearer ${opts.token}`) return graphError(res, 401, { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 });
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
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        block_users: {
          [key]: ok.map((u) => ({ input: u, wa_id: u })),
          ...(failed.length ? { failed_users: failed.map((u) => ({ input: u, wa_id: u, errors: [{ message: 'Not engaged contact', code: 139100, error_data: { details: 'The user has not messaged the business in the last 24 hours.' } }] })) } : {}),
        },
      });
    }
    const match = SEND_PATH.exec(call.path);
    if (call.method !== 'POST' || !match) {
      return graphError(res, 404, { message: `Unknown path components: ${call.path}`, type: 'OAuthException', code: 2500 });
    }
    if (authHeader !== `Bearer ${opts.token}`) {
      return graphError(res, 401, { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 },
        { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token."' });
    }
    const problem = invalidSend(call.body);
    if (problem !== undefined) {
      return graphError(res, 400, { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: problem } });
    }
    const body = call.body as Record<string, unknown>;
    if (body.status === 'read') return sendJson(res, 200, { success: true });
    wamidCounter += 1;
    const to = String(body.to);
    // Real wamids are opaque base64; uniqueness is what matters to callers (dedupe, status mapping).
    const id = `wamid.FAKE${Buffer.from(`${to}:${wamidCounter}:${randomBytes(4).toString('hex')}`).toString('base64url')}`;
    sendJson(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
  }

  const server = await listenLocal((req, res, raw) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    let body: unknown = raw.toString('utf8');
    try { body = raw.length > 0 ? JSON.parse(body as string) : undefined; } catch { /* keep the raw text: invalidSend rejects it */ }
    const call: GraphCall = { method: req.method ?? 'GET', path, headers: { ...req.headers }, body, at: Date.now() };
    calls.push(call);
    const delay = hangs.shift();
    if (delay === undefined) return respond(call, req.headers.authorization, res);
    const t = setTimeout(() => {
      server.timers.delete(t);
      // The client may have given up (timeout/abort) while we slept.
      if (!res.destroyed) respond(call, req.headers.authorization, res);
    }, delay);
    server.timers.add(t);
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    version,
    calls,
    sends: () => calls.filter((c) => c.method === 'POST' && SEND_PATH.test(c.path)),
    failNext: (failure) => void failures.push(failure),
    blocked,
    notEngaged,
    hangNext: (ms) => void hangs.push(ms),
    waitFor: (pred, timeoutMs = 5000) =>
      pollUntil(calls, pred, timeoutMs, (c) => `${c.method} ${c.path} ${brief(c.body)}`, 'FakeGraph'),
    close: () => server.close(),
  };
}
