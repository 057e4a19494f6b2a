// A local fake of the Slack Web API, answering the way slack.com does for the methods Ponte uses:
// HTTP 200 with `{ok:false, error}` for every application error, 429 + Retry-After for rate limits.
// Point WebClient at it with `slackApiUrl: fake.url`. Every call is also checked against Slack's
// OpenAPI snapshot (see slack-spec-check.ts); tests should assert `specViolations` is empty.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brief, listenLocal, pollUntil, sendJson } from './local-server.js';
import { checkAgainstSpec } from './slack-spec-check.js';

export interface SlackCall { method: string; params: Record<string, unknown>; token: string | undefined; at: number; /** Answered 429 by a rate limit the fake plays (limitPerChannel, limitUpdates), not performed. */ limited?: boolean }

export interface FakeSlackUser { name: string; real_name?: string; display_name?: string; is_admin?: boolean; is_owner?: boolean }

/**
 * A queued failure. `afterEffect: true` performs the call first and then answers `status`, or with
 * `status: 0` drops the connection without an answer: the caller cannot tell it took effect (a
 * timeout, a crash between the platform's work and our bookkeeping).
 */
export type SlackFailure = { error: string } | { status: 429; retryAfter: number } | { status: number; afterEffect?: boolean };

/** A message as the fake holds it after chat.postMessage / chat.update (or a completed upload, with its file). */
export interface FakeSlackMessage {
  channel: string; ts: string; text?: string; blocks?: unknown; thread_ts?: string; username?: string; files?: SlackFileObject[];
  /** Message metadata as chat.postMessage took it (`event_type`, `event_payload`). */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A per-channel posting limit like Slack's chat.postMessage (about 1 message per second per channel). */
export interface ChannelLimit { perSecond: number; retryAfter: number }

/** A Web API tier limit: at most `calls` of the method in any `windowMs` for the workspace (a sliding window). */
export interface TierLimit { calls: number; windowMs: number }
/**
 * Slack's Tier 3 ("50+ per minute", per method, per workspace, per app), which holds chat.update,
 * read strictly: never more than 50 in any 60 s.
 */
export const SLACK_TIER3: TierLimit = { calls: 50, windowMs: 60_000 };

/** A file object the way Slack puts it in message events and files.info (the fields Ponte reads, and a few more). */
export interface SlackFileObject {
  id: string; created: number; timestamp: number; name: string; title: string; mimetype: string; filetype: string;
  pretty_type: string; user: string; user_team: string; editable: boolean; size: number; mode: string; is_external: boolean;
  external_type: string; is_public: boolean; public_url_shared: boolean; display_as_bot: boolean; username: string;
  url_private: string; url_private_download: string; permalink: string;
}

/**
 * Where a file is shared, as files.info gives it: per channel id, under `public` (a public channel)
 * or `private` (a private channel or a DM), one entry per message that shares it; a reply in a
 * thread also names its `thread_ts` (Slack's reference, and @slack/web-api's FilesInfoResponse).
 */
export interface SlackFileShares {
  public?: Record<string, SlackFileShare[]>;
  private?: Record<string, SlackFileShare[]>;
}
export interface SlackFileShare {
  reply_users: string[]; reply_users_count: number; reply_count: number; ts: string; thread_ts?: string;
  channel_name: string; team_id: string; share_user_id: string; source: string;
}

/** A request for a file's bytes (url_private / url_private_download), and whether it carried the bot token. */
export interface FakeFileDownload { fileId: string; authorized: boolean }

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
  /** External uploads by file id (files.getUploadURLExternal → upload_url → files.completeUploadExternal). */
  uploads: Map<string, FakeSlackUpload>;
  /**
   * Makes a file downloadable at its url_private(_download), as if a person had shared it; returns
   * the file object a `file_share` message event carries. Completed uploads are downloadable too.
   */
  registerFile(f: { name: string; bytes: Buffer; mimetype?: string; id?: string; user?: string }): SlackFileObject;
  fileDownloads: FakeFileDownload[];
  /**
   * Queues a failure for a Web API method, or for the non-API endpoints: `upload` (the POST to
   * upload_url) and `download` (a file URL), which take `{ status }` only.
   */
  failNext(method: string, failure: SlackFailure): void;
  /**
   * Holds chat.postMessage to `perSecond` per channel, as Slack does: a post that comes sooner than
   * 1/perSecond after the channel's last accepted one is answered 429 with `Retry-After`. null lifts it.
   */
  limitPerChannel(limit: ChannelLimit | null): void;
  /** chat.postMessage calls answered 429 by the per-channel limit, by channel. */
  rateLimited: Map<string, number>;
  /**
   * Holds chat.update to its tier (SLACK_TIER3): a call beyond `calls` in the last `windowMs` is
   * answered 429 with `Retry-After` in whole seconds, until the oldest call in the window leaves
   * it. null lifts it.
   */
  limitUpdates(limit: TierLimit | null): void;
  /** chat.update calls answered 429 by the tier limit (limitUpdates). */
  updatesLimited(): number;
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

const MIME: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', txt: 'text/plain', mp4: 'video/mp4', ogg: 'audio/ogg' };
/** Slack sets a file's type from its name's extension. */
const mimeOf = (name: string): string => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

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
  const files = new Map<string, { file: SlackFileObject; bytes: Buffer; shares?: SlackFileShares }>();
  const fileDownloads: FakeFileDownload[] = [];
  const failures = new Map<string, SlackFailure[]>();
  let fileCounter = 0;
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
    // The bot's app (api_app_id on every event, command and interaction), as the fixtures send it.
    'bots.info': (p) =>
      str(p.bot) === botId
        ? { ok: true, bot: { id: botId, deleted: false, name: 'ponte', updated: 1700000000, app_id: 'A0PONTE001', user_id: botUserId, icons: { image_36: 'https://a.slack-edge.com/36.png', image_48: 'https://a.slack-edge.com/48.png', image_72: 'https://a.slack-edge.com/72.png' } } }
        : fail('bot_not_found'),

    'chat.postMessage': (p) => {
      const channel = str(p.channel);
      if (!channel) return fail('channel_not_found');
      if (!present(p.text) && !present(p.blocks) && !present(p.attachments)) return fail('no_text');
      const ts = nextTs();
      const msg: FakeSlackMessage = { channel, ts, text: str(p.text) ?? '', blocks: p.blocks, thread_ts: str(p.thread_ts), username: str(p.username) };
      const metadata = p.metadata as FakeSlackMessage['metadata'] | undefined;
      if (metadata && typeof metadata === 'object' && typeof metadata.event_type === 'string') msg.metadata = metadata;
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

    // A thread: its parent first, then the replies in ts order, `limit` per page with a cursor.
    // Metadata only with include_all_metadata, as Slack does.
    'conversations.replies': (p) => {
      const channel = str(p.channel);
      const ts = str(p.ts);
      if (!channel) return fail('channel_not_found');
      if (!ts) return fail('invalid_arguments');
      const parent = messages.get(key(channel, ts));
      if (!parent) return fail('thread_not_found');
      const inThread = [...messages.values()]
        .filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts))
        .sort((a, b) => Number(a.ts) - Number(b.ts));
      const limit = Math.min(Math.max(Number(p.limit) || 1000, 1), 1000);
      const from = Number(str(p.cursor)?.replace(/^next_/, '') ?? 0) || 0;
      const page = inThread.slice(from, from + limit);
      const withMetadata = p.include_all_metadata === true || p.include_all_metadata === 'true' || p.include_all_metadata === '1';
      const more = from + limit < inThread.length;
      return {
        ok: true,
        messages: page.map((m) => ({
          type: 'message', ts: m.ts, text: m.text, user: botUserId, bot_id: botId, thread_ts: m.thread_ts ?? (m.ts === ts ? ts : undefined),
          ...(m.username ? { username: m.username } : {}),
          ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
        })),
        has_more: more,
        response_metadata: { next_cursor: more ? `next_${from + limit}` : '' },
      };
    },

    // A channel's own messages (top-level posts and thread parents, not replies), newest first,
    // `limit` per page with a cursor; metadata only with include_all_metadata, as Slack does.
    // `oldest`/`latest` are accepted but not applied: this fake's ts clock starts at 1700000000,
    // not at the wall clock, so a bound computed from real time would hide every message.
    'conversations.history': (p) => {
      const channel = str(p.channel);
      if (!channel) return fail('channel_not_found');
      const top = [...messages.values()]
        .filter((m) => m.channel === channel && !m.thread_ts)
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 1000);
      const from = Number(str(p.cursor)?.replace(/^next_/, '') ?? 0) || 0;
      const page = top.slice(from, from + limit);
      const withMetadata = p.include_all_metadata === true || p.include_all_metadata === 'true' || p.include_all_metadata === '1';
      const more = from + limit < top.length;
      return {
        ok: true,
        messages: page.map((m) => ({
          type: 'message', ts: m.ts, text: m.text, user: botUserId, bot_id: botId,
          ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
        })),
        has_more: more,
        pin_count: 0,
        response_metadata: { next_cursor: more ? `next_${from + limit}` : '' },
      };
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

    // files v2 (2023+), shapes from Slack's reference: filename and length (bytes) are required.
    'files.getUploadURLExternal': (p) => {
      const filename = str(p.filename);
      const length = Number(p.length);
      if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
      const fileId = nextFileId();
      uploads.set(fileId, { fileId, filename, length });
      return { ok: true, upload_url: `${baseUrl}upload/v1/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (p) => completeUpload(p),

    'files.info': (p) => {
      // An upload that was never completed is no file yet: Slack answers file_not_found.
      const held = files.get(str(p.file) ?? '');
      if (!held) return fail('file_not_found');
      const shared = held.shares ? { shares: held.shares, has_more_shares: false } : {};
      return { ok: true, file: { ...held.file, ...shared }, comments: [], response_metadata: { next_cursor: '' } };
    },
  };

  const nextFileId = () => `F${String((fileCounter += 1)).padStart(10, '0')}`;

  function fileObject(id: string, name: string, mimetype: string, size: number, user: string): SlackFileObject {
    const created = Math.floor(Date.now() / 1000);
    const safe = encodeURIComponent(name);
    return {
      id, created, timestamp: created, name, title: name, mimetype, filetype: name.split('.').pop() ?? 'binary',
      pretty_type: mimetype, user, user_team: 'T0001', editable: false, size, mode: 'hosted', is_external: false,
      external_type: '', is_public: false, public_url_shared: false, display_as_bot: false, username: '',
      url_private: `${baseUrl}files-pri/T0001-${id}/${safe}`,
      url_private_download: `${baseUrl}files-pri/T0001-${id}/download/${safe}`,
      permalink: `https://ponte-test.slack.com/files/${user}/${id}/${safe}`,
    };
  }

  function completeUpload(p: Params): Reply {
    const listed = Array.isArray(p.files) ? (p.files as { id?: unknown; title?: unknown }[]) : [];
    if (listed.length === 0) return fail('invalid_arguments');
    const channel = str(p.channel_id);
    const threadTs = str(p.thread_ts);
    // A thread needs its channel (the reference: "provide only one channel when using thread_ts").
    if (threadTs && !channel && !str(p.channels)) return fail('invalid_arguments');
    if (threadTs && !/^\d+\.\d+$/.test(threadTs)) return fail('invalid_thread_ts');
    const done: FakeSlackUpload[] = [];
    for (const f of listed) {
      const up = typeof f.id === 'string' ? uploads.get(f.id) : undefined;
      if (!up?.bytes) return fail('file_not_found'); // unknown id, or bytes never POSTed to upload_url
      done.push(up);
    }
    // Slack shares the files in one message of the bot's, in the thread (its ts is not in this answer;
    // files.info lists it under the file's `shares`).
    const ts = channel ? nextTs() : undefined;
    const objects = done.map((up, i) => {
      up.completed = { channel_id: channel, thread_ts: threadTs, initial_comment: str(p.initial_comment), title: str(listed[i]!.title) };
      const file = { ...fileObject(up.fileId, up.filename, mimeOf(up.filename), up.length, botUserId), title: up.completed.title ?? up.filename };
      files.set(up.fileId, { file, bytes: up.bytes!, ...(channel && ts ? { shares: sharesIn(channel, ts, threadTs) } : {}) });
      return file;
    });
    if (channel && ts) messages.set(key(channel, ts), { channel, ts, text: str(p.initial_comment) ?? '', thread_ts: threadTs, files: objects });
    return { ok: true, files: objects };
  }

  // A private channel's id starts with G in older workspaces, a DM's with D: those are `private` shares.
  function sharesIn(channel: string, ts: string, threadTs: string | undefined): SlackFileShares {
    const share: SlackFileShare = {
      reply_users: [], reply_users_count: 0, reply_count: 0, ts, ...(threadTs ? { thread_ts: threadTs } : {}),
      channel_name: channels.get(channel)?.name ?? `channel-${channel.toLowerCase()}`, team_id: 'T0001', share_user_id: botUserId, source: 'UNKNOWN',
    };
    return { [/^[GD]/.test(channel) ? 'private' : 'public']: { [channel]: [share] } };
  }

  // The url_private(_download) of a known file: the bytes with the bot token; without it (or with a
  // token lacking files:read) Slack answers its sign-in page, 200 and HTML, not an error.
  function serveFile(req: IncomingMessage, res: ServerResponse, fileId: string): void {
    const held = files.get(fileId);
    const auth = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const authorized = auth !== undefined && (opts.token === undefined || auth === opts.token);
    fileDownloads.push({ fileId, authorized });
    const queued = failures.get('download')?.shift();
    if (queued && 'status' in queued) return void res.writeHead(queued.status, { 'content-type': 'text/plain' }).end('failure');
    if (!authorized) {
      const page = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)) }).end(page);
    }
    if (!held) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': held.file.mimetype, 'content-length': String(held.bytes.length) }).end(held.bytes);
  }

  function viewReply(view: unknown, id?: string): Reply {
    viewCounter += 1;
    const v = typeof view === 'object' && view !== null ? view : {};
    return { ok: true, view: { ...v, id: id ?? `V${String(viewCounter).padStart(8, '0')}`, hash: `${Date.now()}.${viewCounter}` } };
  }

  function reply(method: string, p: Params, token: string | undefined, res: ServerResponse, call?: SlackCall): void {
    const queued = failures.get(method)?.shift();
    if (queued && 'status' in queued && 'afterEffect' in queued && queued.afterEffect) {
      methods[method]?.(p);
      if (queued.status === 0) return void res.socket?.destroy();
      return sendJson(res, queued.status, fail('fatal_error'));
    }
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
    if (method === 'chat.postMessage' && channelLimit && !admitPost(str(p.channel) ?? '', channelLimit)) {
      if (call) call.limited = true;
      return sendJson(res, 429, fail('ratelimited'), { 'retry-after': String(channelLimit.retryAfter) });
    }
    if (method === 'chat.update' && updateLimit) {
      const retryAfter = admitUpdate(updateLimit);
      if (retryAfter > 0) {
        if (call) call.limited = true;
        return sendJson(res, 429, fail('ratelimited'), { 'retry-after': String(retryAfter) });
      }
    }
    sendJson(res, 200, impl(p));
  }

  // The upload URL is not a Web API method: WebClient POSTs the bytes there as multipart field `body`.
  async function receiveUpload(req: IncomingMessage, res: ServerResponse, body: Buffer, fileId: string): Promise<void> {
    const up = uploads.get(fileId);
    if (!up) return void res.writeHead(404).end('not found');
    const queued = failures.get('upload')?.shift();
    if (queued && 'status' in queued) return void res.writeHead(queued.status, { 'content-type': 'text/plain' }).end('failure');
    const type = req.headers['content-type'] ?? '';
    // files.slack.com also takes raw bytes; only unwrap when it is a form.
    const part = type.startsWith('multipart/') ? (await new Response(body, { headers: { 'content-type': type } }).formData()).get('body') : null;
    up.bytes = part === null ? body : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${up.bytes.length}`);
  }

  let channelLimit: ChannelLimit | null = null;
  const lastPost = new Map<string, number>();
  const rateLimited = new Map<string, number>();
  function admitPost(channel: string, limit: ChannelLimit): boolean {
    const now = Date.now();
    const last = lastPost.get(channel);
    if (last !== undefined && now - last < 1000 / limit.perSecond) {
      rateLimited.set(channel, (rateLimited.get(channel) ?? 0) + 1);
      return false;
    }
    lastPost.set(channel, now);
    return true;
  }

  let updateLimit: TierLimit | null = null;
  /** Times of the chat.update calls the tier took, oldest first. */
  let updatesTaken: number[] = [];
  let updatesRefused = 0;
  /** 0: taken (counted in the window); else the whole seconds until the window's oldest call leaves it. */
  function admitUpdate(limit: TierLimit): number {
    const now = Date.now();
    updatesTaken = updatesTaken.filter((at) => now - at < limit.windowMs);
    if (updatesTaken.length < limit.calls) {
      updatesTaken.push(now);
      return 0;
    }
    updatesRefused++;
    return Math.max(1, Math.ceil((updatesTaken[0]! + limit.windowMs - now) / 1000));
  }

  const server = await listenLocal(async (req, res, body) => {
    const upload = /^\/upload\/v1\/(F\w+)$/.exec(req.url ?? '');
    if (upload?.[1]) return receiveUpload(req, res, body, upload[1]);
    const download = /^\/files-pri\/T0001-(F\w+)\//.exec(req.url ?? '');
    if (download?.[1] && req.method === 'GET') return serveFile(req, res, download[1]);
    const match = /^\/api\/([A-Za-z0-9._]+)/.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    if (!match?.[1]) return sendJson(res, 404, fail('unknown_method'));
    const method = match[1];
    const params = await parseParams(req, body);
    const auth = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
    const token = auth?.[1] ?? str(params.token);
    delete params.token;
    const call: SlackCall = { method, params, token, at: Date.now() };
    calls.push(call);
    specViolations.push(...checkAgainstSpec(method, params));
    reply(method, params, token, res, call);
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
    registerFile(f) {
      const id = f.id ?? nextFileId();
      const file = fileObject(id, f.name, f.mimetype ?? mimeOf(f.name), f.bytes.length, f.user ?? 'UAGENT01');
      files.set(id, { file, bytes: f.bytes });
      return file;
    },
    fileDownloads,
    failNext(method, failure) {
      const q = failures.get(method) ?? [];
      q.push(failure);
      failures.set(method, q);
    },
    limitPerChannel(limit) {
      channelLimit = limit;
      lastPost.clear();
    },
    rateLimited,
    limitUpdates(limit) {
      updateLimit = limit;
      updatesTaken = [];
    },
    updatesLimited: () => updatesRefused,
    waitFor: (pred, timeoutMs = 5000) =>
      pollUntil(calls, pred, timeoutMs, (c) => `${c.method} ${brief(c.params)}`, 'FakeSlack'),
    specViolations,
    close: () => server.close(),
  };
}
