// A local fake of Slack's Socket Mode: `apps.connections.open` (Web API, app-level token) hands out
// a ws:// URL; the WebSocket there greets with `hello`, carries the envelopes a test `send()`s, and
// records the client's acks (`{envelope_id, payload}`).
//
// Its HTTP server is a front for the whole Slack Web API: Ponte has ONE SLACK_API_URL for the bot's
// methods and for apps.connections.open, so everything except apps.connections.open is forwarded
// verbatim (method, headers, body) to `upstream` (the existing fake Slack, test/fakes/slack-api.ts),
// and its answer is passed back unchanged. Point the client at `fake.url` (`http://…/api/`).
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendJson, pollUntil, brief } from './local-server.js';
import { acceptWebSocket, type WsPeer } from '../support/ws-server.js';

export const SOCKET_APP_ID = 'A0PONTE001';

/** What the client sends back for an envelope: `payload` is `{}` when it acked without a body. */
export interface SocketAck { envelope_id: string; payload?: Record<string, unknown>; at: number }

export interface SocketEnvelope {
  envelope_id?: string;
  type: 'events_api' | 'slash_commands' | 'interactive' | (string & {});
  payload: unknown;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface FakeSlackSocket {
  /** The Web API base to give the client (`slackApiUrl` / SLACK_API_URL), ending in `/api/`. */
  url: string;
  /** Calls to apps.connections.open, with the token they carried. */
  connectionsOpened: { token: string | undefined; ok: boolean }[];
  /** Methods forwarded to the upstream Web API, in order. */
  forwarded: string[];
  /** Frames the client sent that were not acks (there should be none). */
  unexpected: string[];
  acks: SocketAck[];
  /** Connected sockets that have not closed. */
  readonly openConnections: number;
  /** Sends an envelope on the newest connection (envelope_id is generated when missing) and returns its id. */
  send(envelope: SocketEnvelope): string;
  /** Sends any message as is on the newest connection, e.g. `{type:'disconnect', reason:'refresh_requested'}`. */
  sendRaw(message: Record<string, unknown>): void;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Sets where other Web API methods go, when it was not known at start; calls made before wait for it. */
  setUpstream(url: string): void;
  /** Resolves once every client connection has closed (the client disconnected). */
  waitForDisconnect(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const bearer = (req: IncomingMessage): string | undefined => /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];

export async function startFakeSlackSocket(opts: { appToken: string; upstream?: string }): Promise<FakeSlackSocket> {
  let setUpstream!: (url: string) => void;
  const upstream = new Promise<URL>((resolve) => {
    setUpstream = (url) => resolve(new URL(url.endsWith('/') ? url : `${url}/`));
  });
  if (opts.upstream !== undefined) setUpstream(opts.upstream);
  const tickets = new Set<string>();
  const peers: WsPeer[] = [];
  const sockets = new Set<Socket>();
  const acks: SocketAck[] = [];
  const unexpected: string[] = [];
  const connectionsOpened: FakeSlackSocket['connectionsOpened'] = [];
  const forwarded: string[] = [];
  let base = '';

  function connectionsOpen(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    // WebClient sends the token as a bearer header; a form field `token` is also accepted by Slack.
    const token = bearer(req) ?? (new URLSearchParams(body.toString('utf8')).get('token') || undefined);
    const answer = (reply: Record<string, unknown>) => {
      connectionsOpened.push({ token, ok: reply.ok === true });
      sendJson(res, 200, reply);
    };
    if (token === undefined) return answer({ ok: false, error: 'not_authed' });
    if (!token.startsWith('xapp-')) return answer({ ok: false, error: 'not_allowed_token_type' });
    if (token !== opts.appToken) return answer({ ok: false, error: 'invalid_auth' });
    const ticket = randomUUID();
    tickets.add(ticket);
    answer({ ok: true, url: `${base.replace(/^http/, 'ws')}link/?ticket=${ticket}&app_id=${SOCKET_APP_ID}` });
  }

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, path: string): Promise<void> {
    const method = path.replace(/^\/api\//, '');
    forwarded.push(method);
    const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const target = new URL(method + query, await upstream);
    const headers = { ...req.headers, host: target.host };
    const out = request(target, { method: req.method, headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    out.on('error', (err) => sendJson(res, 502, { ok: false, error: `proxy_error: ${err.message}` }));
    out.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (path === '/api/apps.connections.open') return connectionsOpen(req, res, body);
      if (path.startsWith('/api/')) return void forward(req, res, body, path);
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    // A ticket is good for one connection, as with Slack's short-lived URLs.
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const peer = acceptWebSocket(req, socket, {
      onText(text) {
        let msg: { envelope_id?: unknown; payload?: unknown } | undefined;
        try { msg = JSON.parse(text) as typeof msg; } catch { /* recorded below */ }
        if (typeof msg?.envelope_id === 'string') {
          acks.push({ envelope_id: msg.envelope_id, payload: msg.payload as Record<string, unknown> | undefined, at: Date.now() });
        } else unexpected.push(text);
      },
    });
    if (!peer) return;
    peers.push(peer);
    peer.send(JSON.stringify({
      type: 'hello',
      num_connections: peers.filter((p) => p.open).length,
      debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: SOCKET_APP_ID },
    }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake socket server has no TCP address');
  base = `http://127.0.0.1:${addr.port}/`;

  const live = () => peers.filter((p) => p.open);
  const newest = (): WsPeer => {
    const peer = live().at(-1);
    if (!peer) throw new Error('FakeSlackSocket: no client is connected');
    return peer;
  };
  return {
    url: `${base}api/`,
    connectionsOpened,
    forwarded,
    unexpected,
    acks,
    setUpstream: (url) => setUpstream(url),
    get openConnections() {
      return live().length;
    },
    send(envelope) {
      const peer = newest();
      const full = {
        accepts_response_payload: envelope.type !== 'events_api',
        ...(envelope.type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
        ...envelope,
        envelope_id: envelope.envelope_id ?? randomUUID(),
      };
      peer.send(JSON.stringify(full));
      return full.envelope_id;
    },
    sendRaw: (message) => newest().send(JSON.stringify(message)),
    async waitForAck(envelopeId, timeoutMs = 5000) {
      await pollUntil(acks, (a) => a.some((x) => x.envelope_id === envelopeId), timeoutMs, (a) => `ack ${a.envelope_id} ${brief(a.payload)}`, `FakeSlackSocket (ack ${envelopeId})`);
      return acks.find((x) => x.envelope_id === envelopeId)!;
    },
    async waitForDisconnect(timeoutMs = 5000) {
      const all = Promise.all(peers.map((p) => p.closed)).then(() => true);
      const timeout = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
      if (!(await Promise.race([all, timeout]))) throw new Error(`FakeSlackSocket: ${live().length} connection(s) still open after ${timeoutMs} ms`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const p of live()) p.close(1001);
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
