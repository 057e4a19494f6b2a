// A local fake of the Slack Web API, answering the way slack.com does for the methods Ponte uses:
// HTTP 200 with `{ok:false, error}` for every application error, 429 + Retry-After for rate limits.
// Point WebClient at it with `slackApiUrl: fake.url`. Every call is also checked against Slack's
// OpenAPI snapshot (see slack-spec-check.ts); tests should assert `specViolations` is empty.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';
import { checkAgainstSpec } from './slack-spec-check.js';

export interface SlackCall { method: string; params: Record<string, unknown>; token: string | undefined; at: number }

export interface FakeSlackUser { name: string; real_name?: string; display_name?: string; is_admin?: boolean; is_owner?: boolean }

export type SlackFailure = { error: string } | { status: 429; retryAfter: number } | { status: number };

/** A message as the fake holds it after chat.postMessage / chat.update. */
export interface FakeSlackMessage { channel: string; ts: string; text?: string; blocks?: unknown; thread_ts?: string; username?: string }

/** A file sent through files.getUploadURLExternal → POST upload_url → files.completeUploadExternal. */
export interface FakeSlackUpload {
  fileId: string; filename: string; length: number; bytes?: Buffer;
  completed?: { channel_id?: string; thread_ts?: string; initial_comment?: string; title?: string };
}

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  users: Map<string, FakeSlackUser>;
  /** Optional channel names for conversations.info; unknown ids get a derived name. */
  channels: Map<string, { name: string }>;
  /** Posted messages keyed `${channel}/${ts}`, with chat.update applied: the thread as Slack would show it. */
  messages: Map<string, FakeSlackMessage>;
  /** External uploads by file id (methods newer than the spec snapshot, so not spec-checked). */
  uploads: Map<string, FakeSlackUpload>;
  failNext(method: string, failure: SlackFailure): void;
  waitFor(pred: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  specViolations: string[];
  close(): Promise<void>;
}

type Params = Record<string, unknown>;
type Reply = Record<string, unknown>;
type MethodImpl = (p: Params) => Reply;

// Fields WebClient JSON-encodes into a form body; decoded so tests can assert on structure.
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata', 'files'];

async function parseParams(req: IncomingMessage, body: Buffer): Promise<Params> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const params: Params = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (body.length > 0 && type.includes('application/json')) {
    Object.assign(params, JSON.parse(body.toString('utf8')) as Params);
  } else if (body.length > 0) {
    // Response#formData parses both urlencoded and multipart bodies (WebClient uses multipart for binary).
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    for (const [k, v] of form) params[k] = typeof v === 'string' ? v : { filename: v.name, size: v.size };
  }
  for (const k of JSON_FIELDS) {
    const v = params[k];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try { params[k] = JSON.parse(v); } catch { /* leave malformed JSON visible as a string */ }
    }
  }
  return params;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const present = (v: unknown): boolean => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

export async function startFakeSlack(opts: { botUserId?: string; botId?: string; token?: string } = {}): Promise<FakeSlack> {
  const botUserId = opts.botUserId ?? 'UPONTEBOT';
  const botId = opts.botId ?? 'BPONTE01';
  const calls: SlackCall[] = [];
  const specViolations: string[] = [];
  const users = new Map<string, FakeSlackUser>();
  const channels = new Map<string, { name: string }>();
  const messages = new Map<string, FakeSlackMessage>();
  const reactions = new Set<string>();
  const uploads = new Map<string, FakeSlackUpload>();
  const failures = new Map<string, SlackFailure[]>();
  let baseUrl = '';
  let tsCounter = 0;
  let viewCounter = 0;

  // Unique, strictly increasing ts in Slack's "seconds.micros" shape, 100 µs apart.
  const nextTs = (): string => {
    tsCounter += 1;
    const micros = tsCounter * 100;
    return `${1700000000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  };
  const fail = (error: string): Reply => ({ ok: false, error });
  const key = (channel: string, ts: string) => `${channel}/${ts}`;

  const methods: Record<string, MethodImpl> = {
    'auth.test': () => ({ ok: true, url: 'https://ponte-test.slack.com/', team: 'Ponte Test', user: 'ponte', team_id: 'T0001', user_id: botUserId, bot_id: botId }),

    'chat.postMessage': (p) => {
      const channel = str(p.channel);
      if (!channel) return fail('channel_not_found');
      if (!present(p.text) && !present(p.blocks) && !present(p.attachments)) return fail('no_text');
      const ts = nextTs();
      const msg: FakeSlackMessage = { channel, ts, text: str(p.text) ?? '', blocks: p.blocks, thread_ts: str(p.thread_ts), username: str(p.username) };
      messages.set(key(channel, ts), msg);
      return {
        ok: true,
        channel,
        ts,
        message: { type: 'message', text: msg.text, user: botUserId, bot_id: botId, ts, team: 'T0001', blocks: p.blocks, thread_ts: msg.thread_ts, username: msg.username },
      };
    },

    'chat.update': (p) => {
      const channel = str(p.channel);
      const ts = str(p.ts);
      if (!channel) return fail('channel_not_found');
      if (!ts) return fail('message_not_found');
      const msg = messages.get(key(channel, ts));
      if (!msg) return fail('message_not_found');
      if (p.text !== undefined) msg.text = String(p.text);
      if (p.blocks !== undefined) msg.blocks = p.blocks;
      return { ok: true, channel, ts, text: msg.text, message: { text: msg.text, blocks: msg.blocks, user: botUserId, bot_id: botId } };
    },

    'chat.postEphemeral': (p) => {
      if (!str(p.channel)) return fail('channel_not_found');
      if (!str(p.user)) return fail('user_not_found');
      if (!present(p.text) && !present(p.blocks) && !present(p.attachments)) return fail('no_text');
      return { ok: true, message_ts: nextTs() };
    },

    // Lenient about the message existing: agents' messages reach tests as event fixtures, never via this fake.
    'reactions.add': (p) => {
      const channel = str(p.channel);
      const ts = str(p.timestamp);
      const name = str(p.name);
      if (!channel || !ts) return fail('no_item_specified');
      if (!name) return fail('invalid_name');
      const k = `${key(channel, ts)}/${name}`;
      if (reactions.has(k)) return fail('already_reacted');
      reactions.add(k);
      return { ok: true };
    },

    'reactions.remove': (p) => {
      const channel = str(p.channel);
      const ts = str(p.timestamp);
      if (!channel || !ts) return fail('no_item_specified');
      const k = `${key(channel, ts)}/${str(p.name) ?? ''}`;
      if (!reactions.delete(k)) return fail('no_reaction');
      return { ok: true };
    },

    'users.info': (p) => {
      const id = str(p.user);
      const u = id === undefined ? undefined : users.get(id);
      if (!id || !u) return fail('user_not_found');
      const realName = u.real_name ?? u.name;
      return {
        ok: true,
        user: {
          id, team_id: 'T0001', name: u.name, real_name: realName, deleted: false, is_bot: false,
          is_admin: u.is_admin ?? false, is_owner: u.is_owner ?? false,
          profile: { display_name: u.display_name ?? '', real_name: realName, image_72: `https://avatars.example/${id}_72.png` },
        },
      };
    },

    'conversations.info': (p) => {
      const id = str(p.channel);
      if (!id) return fail('channel_not_found');
      return { ok: true, channel: { id, name: channels.get(id)?.name ?? `channel-${id.toLowerCase()}`, is_channel: true } };
    },

    'views.open': (p) => {
      if (!str(p.trigger_id)) return fail('invalid_trigger_id');
      if (!present(p.view)) return fail('invalid_arguments');
      return viewReply(p.view);
    },
    'views.update': (p) => {
      if (!str(p.view_id) && !str(p.external_id)) return fail('not_found');
      return viewReply(p.view, str(p.view_id));
    },
    'views.publish': (p) => {
      if (!str(p.user_id)) return fail('user_not_found');
      return viewReply(p.view);
    },

    'chat.getPermalink': (p) => {
      const channel = str(p.channel);
      const ts = str(p.message_ts);
      if (!channel) return fail('channel_not_found');
      if (!ts) return fail('message_not_found');
      return { ok: true, channel, permalink: `https://ponte-test.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
    },

    'files.getUploadURLExternal': (p) => {
      const filename = str(p.filename);
      const length = Number(p.length);
      if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
      const fileId = `F${String(uploads.size + 1).padStart(10, '0')}`;
      uploads.set(fileId, { fileId, filename, length });
      return { ok: true, upload_url: `${baseUrl}upload/v1/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (p) => completeUpload(p),
  };

  function completeUpload(p: Params): Reply {
    const files = Array.isArray(p.files) ? (p.files as { id?: unknown; title?: unknown }[]) : [];
    if (files.length === 0) return fail('invalid_arguments');
    const done: FakeSlackUpload[] = [];
    for (const f of files) {
      const up = typeof f.id === 'string' ? uploads.get(f.id) : undefined;
      if (!up?.bytes) return fail('file_not_found'); // unknown id, or bytes never POSTed to upload_url
      up.completed = { channel_id: str(p.channel_id), thread_ts: str(p.thread_ts), initial_comment: str(p.initial_comment), title: str(f.title) };
      done.push(up);
    }
    return { ok: true, files: done.map((u) => ({ id: u.fileId, name: u.filename, title: u.completed?.title ?? u.filename, size: u.length })) };
  }

  function viewReply(view: unknown, id?: string): Reply {
    viewCounter += 1;
    const v = typeof view === 'object' && view !== null ? view : {};
    return { ok: true, view: { ...v, id: id ?? `V${String(viewCounter).padStart(8, '0')}`, hash: `${Date.now()}.${viewCounter}` } };
  }

  function reply(method: string, p: Params, token: string | undefined, res: ServerResponse): void {
    const queued = failures.get(method)?.shift();
    if (queued) {
      if ('error' in queued) return sendJson(res, 200, fail(queued.error));
      if (queued.status === 429) {
        const headers: Record<string, string> = 'retryAfter' in queued ? { 'retry-after': String(queued.retryAfter) } : {};
        return sendJson(res, 429, fail('ratelimited'), headers);
      }
      return sendJson(res, queued.status, fail('fatal_error'));
    }
    // Real Slack: no token at all is `not_authed`; a token it does not know is `invalid_auth`.
    if (token === undefined) return sendJson(res, 200, fail('not_authed'));
    if (opts.token !== undefined && token !== opts.token) return sendJson(res, 200, fail('invalid_auth'));
    const impl = methods[method];
    if (!impl) return sendJson(res, 200, { ok: false, error: 'unknown_method', req_method: method });
    sendJson(res, 200, impl(p));
  }

  // The upload URL is not a Web API method: WebClient POSTs the bytes there as multipart field `body`.
  async function receiveUpload(req: IncomingMessage, res: ServerResponse, body: Buffer, fileId: string): Promise<void> {
    const up = uploads.get(fileId);
    if (!up) return void res.writeHead(404).end('not found');
    const type = req.headers['content-type'] ?? '';
    // files.slack.com also takes raw bytes; only unwrap when it is a form.
    const part = type.startsWith('multipart/') ? (await new Response(body, { headers: { 'content-type': type } }).formData()).get('body') : null;
    up.bytes = part === null ? body : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${up.bytes.length}`);
  }

  const server = await listenLocal(async (req, res, body) => {
    const upload = /^\/upload\/v1\/(F\w+)$/.exec(req.url ?? '');
    if (upload?.[1]) return receiveUpload(req, res, body, upload[1]);
    const match = /^\/api\/([A-Za-z0-9._]+)/.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    if (!match?.[1]) return sendJson(res, 404, fail('unknown_method'));
    const method = match[1];
    const params = await parseParams(req, body);
    const auth = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
    const token = auth?.[1] ?? str(params.token);
    delete params.token;
    calls.push({ method, params, token, at: Date.now() });
    specViolations.push(...checkAgainstSpec(method, params));
    reply(method, params, token, res);
  });

  baseUrl = `http://127.0.0.1:${server.port}/`;
  return {
    url: `${baseUrl}api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    users,
    channels,
    messages,
    uploads,
    failNext(method, failure) {
      const q = failures.get(method) ?? [];
      q.push(failure);
      failures.set(method, q);
    },
    waitFor: (pred, timeoutMs = 5000) =>
      pollUntil(calls, pred, timeoutMs, (c) => `${c.method} ${brief(c.params)}`, 'FakeSlack'),
    specViolations,
    close: () => server.close(),
  };
}
