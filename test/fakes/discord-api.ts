// A local fake of Discord's REST API (v10), answering the way discord.com does for what a ticket
// bridge needs: forum posts, thread edits, messages, webhooks, reactions, slash commands and
// interaction responses. Point discord.js at it with `rest: { api: fake.apiUrl }`: REST calls go to
// `${apiUrl}/v10/...` and the gateway is found through `GET /gateway/bot` (discord-notes §2.2).
//
// Every request is recorded and checked against Discord's OpenAPI description
// (discord/spec-check.ts): an operation the spec lacks answers 404 `{message, code: 0}`, a body or
// parameter that does not fit answers 400 `{code: 50035, errors}`, as Discord does, and both land
// in `specViolations`, which tests should assert is empty. Faults come on demand (`failNext`):
// 429 with Retry-After and the X-RateLimit-* headers, 5xx, 401.
import type { IncomingMessage } from 'node:http';
import { appRoutes } from './discord/app-routes.js';
import { channelRoutes } from './discord/channel-routes.js';
import type { RouteContext, RouteHandler, UploadedFile } from './discord/replies.js';
import { checkDocumentedLimits, matchOperation, type ValidationProblem } from './discord/spec-check.js';
import { webhookRoutes } from './discord/webhook-routes.js';
import { DiscordWorld, type DiscordWorldOptions } from './discord/world.js';
import { RouteLimits, type RouteLimit } from './discord/limits.js';
import { startFakeDiscordGateway, type FakeDiscordGateway, type GatewayOptions } from './discord-gateway.js';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';

export interface DiscordRequest {
  method: string;
  /** The path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** The spec operation it matched, e.g. `POST /channels/{channel_id}/messages` (undefined when none). */
  route: string | undefined;
  query: Record<string, string>;
  /** Decoded JSON body (for multipart: its payload_json). */
  body: unknown;
  files: { field: string; filename: string; contentType: string; size: number }[];
  authorization: string | undefined;
  status: number;
}

/** A queued failure for one spec route (`'POST /channels/{channel_id}/messages'`). */
export type DiscordFault =
  | { status: 429; retryAfter: number; global?: boolean; scope?: 'user' | 'global' | 'shared' }
  | { status: 401 | 403 | 500 | 502 | 503 | 504; afterEffect?: boolean }
  /** The connection drops (no answer at all); with `afterEffect`, after the request took effect. */
  | { status: 0; afterEffect?: boolean };

export interface FakeDiscordApi {
  /** What discord.js takes as `rest.api`: `http://127.0.0.1:PORT/api`. */
  apiUrl: string;
  world: DiscordWorld;
  requests: DiscordRequest[];
  requestsTo(route: string): DiscordRequest[];
  /** Requests that did not fit the OpenAPI description (or Discord's documented limits). */
  specViolations: string[];
  /** Spec operations that were called but this fake does not implement (answered 404). */
  unimplemented: string[];
  /** Answers the next `times` requests to `route` with `fault` instead of performing them. */
  failNext(route: string, fault: DiscordFault, times?: number): void;
  /** Enforces per-route limits (discord/limits.ts, e.g. REAL_DISCORD_LIMITS); null lifts them. */
  limitRoutes(limits: RouteLimit[] | null): void;
  /** Requests answered 429 by those limits, by route. */
  rateLimited: Map<string, number>;
  /** The address `GET /gateway/bot` hands out. */
  setGatewayUrl(url: string): void;
  waitFor(pred: (requests: DiscordRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const ROUTES: Record<string, RouteHandler> = { ...appRoutes, ...channelRoutes, ...webhookRoutes };

interface ParsedBody { json: unknown; files: UploadedFile[]; invalidJson?: boolean }

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: undefined, files: [] };
  const type = req.headers['content-type'] ?? '';
  if (type.includes('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: UploadedFile[] = [];
    let json: unknown;
    for (const [field, v] of form) {
      if (typeof v === 'string') {
        if (field === 'payload_json') json = JSON.parse(v);
      } else {
        files.push({ field, filename: v.name, contentType: v.type || 'application/octet-stream', bytes: Buffer.from(await v.arrayBuffer()) });
      }
    }
    return { json, files };
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { json: undefined, files: [], invalidJson: true };
  }
}

/** Discord's 50035 `errors` tree: `body/message/content` → `{message: {content: {_errors: [...]}}}`. */
function errorTree(problems: ValidationProblem[]): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const p of problems) {
    let node = tree;
    for (const key of p.where.split('/').slice(1)) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push({ code: 'BASE_TYPE_INVALID', message: p.message });
  }
  return tree;
}

function rateLimitHeaders(route: string, fault: Extract<DiscordFault, { status: 429 }>): Record<string, string> {
  const resetAt = Date.now() / 1000 + fault.retryAfter;
  return {
    'retry-after': String(fault.retryAfter),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': resetAt.toFixed(3),
    'x-ratelimit-reset-after': fault.retryAfter.toFixed(3),
    'x-ratelimit-bucket': Buffer.from(route).toString('hex').slice(0, 32),
    'x-ratelimit-scope': fault.scope ?? (fault.global ? 'global' : 'user'),
    ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
  };
}

export async function startFakeDiscordApi(opts: { world?: DiscordWorld; token?: string } = {}): Promise<FakeDiscordApi> {
  const world = opts.world ?? new DiscordWorld();
  const token = opts.token ?? 'discord-test-token';
  const requests: DiscordRequest[] = [];
  const specViolations: string[] = [];
  const unimplemented: string[] = [];
  const faults = new Map<string, DiscordFault[]>();
  const limits = new RouteLimits();

  const server = await listenLocal(async (req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, '');
    const parsed = await parseBody(req, raw);
    const op = url.pathname.startsWith('/api/v10/') ? matchOperation(method, path) : undefined;
    const record: DiscordRequest = {
      method, path, route: op?.route, query: Object.fromEntries(url.searchParams), body: parsed.json,
      files: parsed.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.bytes.length })),
      authorization: req.headers.authorization, status: 0,
    };
    requests.push(record);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
      } else sendJson(res, status, body, headers);
    };

    if (!op) {
      specViolations.push(`${method} ${url.pathname}: no operation in the OpenAPI description`);
      return answer(404, { message: '404: Not Found', code: 0 });
    }
    if (!op.authOptional && req.headers.authorization !== `Bot ${token}`) return answer(401, { message: '401: Unauthorized', code: 0 });
    const verdict = limits.admit(op.route, op.params);
    if (verdict && !verdict.allowed) {
      return answer(429, { message: 'You are being rate limited.', retry_after: verdict.retryAfter, global: false }, verdict.headers);
    }
    const fault = faults.get(op.route)?.shift();
    if (fault?.status === 429) {
      return answer(429, { message: 'You are being rate limited.', retry_after: fault.retryAfter, global: fault.global ?? false }, rateLimitHeaders(op.route, fault));
    }
    // A fault after the effect: Discord acted, the answer is lost (an unknown outcome for the caller).
    const failAnswer = () => {
      if (fault?.status === 0) {
        record.status = 0;
        res.socket?.destroy();
      } else if (fault) answer(fault.status, { message: `${fault.status}: injected by the fake`, code: 0 });
    };
    if (fault && !fault.afterEffect) return failAnswer();

    const problems = parsed.invalidJson
      ? [{ where: 'body', message: 'The request body contains invalid JSON.' }]
      : [...op.checkParams(url.searchParams), ...op.checkBody(parsed.json), ...checkDocumentedLimits(op.route, parsed.json)];
    if (problems.length > 0) {
      specViolations.push(...problems.map((p) => `${op.route}: ${p.where}: ${p.message}`));
      return answer(400, { code: 50035, message: 'Invalid Form Body', errors: errorTree(problems) });
    }
    const handler = ROUTES[op.route];
    if (!handler) {
      unimplemented.push(op.route);
      return answer(404, { message: `404: Not Found (the fake does not implement ${op.route})`, code: 0 });
    }
    const json = parsed.json;
    const body = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
    const ctx: RouteContext = { world, params: op.params, query: url.searchParams, body, json, files: parsed.files };
    const reply = handler(ctx);
    if (fault) return failAnswer();
    answer(reply.status, reply.body, verdict?.headers);
  });
  world.baseUrl = `http://127.0.0.1:${server.port}`;

  return {
    apiUrl: `${world.baseUrl}/api`,
    world,
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    specViolations,
    unimplemented,
    failNext(route, fault, times = 1) {
      const list = faults.get(route) ?? [];
      for (let i = 0; i < times; i++) list.push(fault);
      faults.set(route, list);
    },
    limitRoutes: (l) => limits.set(l),
    rateLimited: limits.limited,
    setGatewayUrl: (url) => (world.gatewayUrl = url),
    waitFor: (pred, timeoutMs = 5000) =>
      pollUntil(requests, pred, timeoutMs, (r) => `${r.status} ${r.method} ${r.path} ${brief(r.body)}`, 'FakeDiscordApi'),
    close: () => server.close(),
  };
}

export interface FakeDiscord { api: FakeDiscordApi; gateway: FakeDiscordGateway; world: DiscordWorld; token: string; close(): Promise<void> }

/** REST and gateway over one shared world; `GET /gateway/bot` points at the gateway. */
export async function startFakeDiscord(opts: DiscordWorldOptions & { token?: string; gateway?: Omit<GatewayOptions, 'token'> } = {}): Promise<FakeDiscord> {
  const world = new DiscordWorld(opts);
  const token = opts.token ?? 'discord-test-token';
  const api = await startFakeDiscordApi({ world, token });
  const gateway = await startFakeDiscordGateway(world, { ...opts.gateway, token });
  api.setGatewayUrl(gateway.url);
  return { api, gateway, world, token, close: async () => void (await Promise.all([api.close(), gateway.close()])) };
}
