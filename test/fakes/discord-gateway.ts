// A local fake of Discord's gateway (API v10, `encoding=json`, no compression), enough for
// discord.js 14 (discord-notes §2.3): HELLO on connect → IDENTIFY (recorded, token and privileged
// intents checked: 4004 / 4014 as Discord closes) → READY + GUILD_CREATE from the shared world;
// heartbeat ACKs; RESUME of a known session (RESUMED) or op 9 for an unknown one. Dispatches carry
// `op: 0` and a rising `s` per session, which @discordjs/ws requires.
// Tests push events with `dispatch(t, d)`; changes made over REST are announced as Discord does
// (MESSAGE_CREATE for a webhook post, THREAD_UPDATE on unarchive…), filtered by the session's intents.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { pollUntil } from './local-server.js';
import { Intent, type DiscordWorld } from './discord/world.js';

export interface GatewayOptions {
  token: string;
  /** Sent in HELLO; the client's first beat comes after interval × random(). */
  heartbeatInterval?: number;
  /**
   * The privileged intents "enabled in the Developer Portal" (GuildMembers 1<<1, GuildPresences
   * 1<<8, MessageContent 1<<15). IDENTIFY asking for one that is not closes with 4014. Default: all.
   */
  privilegedIntents?: number;
}

export interface GatewayFrame { op: number; d: unknown; s?: number | null; t?: string | null }
export interface IdentifyData { token: string; intents: number; properties: Record<string, string>; shard?: [number, number]; compress?: boolean }

export interface FakeDiscordGateway {
  /** `ws://127.0.0.1:PORT`, what `GET /gateway/bot` hands out. */
  url: string;
  /** Every IDENTIFY's data, in order. */
  identifies: IdentifyData[];
  /** Every RESUME's data (`{token, session_id, seq}`). */
  resumes: Record<string, unknown>[];
  /** Every frame clients sent, in order (heartbeats included). */
  received: GatewayFrame[];
  /** Close codes the fake closed connections with. */
  closeCodes: number[];
  /** Sends a dispatch to every identified session, bypassing intent filters; returns the last sequence number used. */
  dispatch(t: string, d: unknown): number;
  /** Closes every open connection with `code` (e.g. 4000 to make the client resume, 4014, 4004). */
  disconnect(code: number, reason?: string): void;
  /** Instead of READY, the next IDENTIFY is answered by closing with `code`. */
  closeNextIdentify(code: number): void;
  readonly openConnections: number;
  waitForIdentify(count?: number, timeoutMs?: number): Promise<IdentifyData>;
  close(): Promise<void>;
}

const PRIVILEGED = (1 << 1) | (1 << 8) | Intent.MessageContent;

interface Session { id: string; seq: number; intents: number }
interface Connection { ws: WebSocket; session?: Session }

export async function startFakeDiscordGateway(world: DiscordWorld, opts: GatewayOptions): Promise<FakeDiscordGateway> {
  const heartbeatInterval = opts.heartbeatInterval ?? 41_250;
  const enabledPrivileged = opts.privilegedIntents ?? PRIVILEGED;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const sessions = new Map<string, Session>();
  const connections = new Set<Connection>();
  const identifies: IdentifyData[] = [];
  const resumes: Record<string, unknown>[] = [];
  const received: GatewayFrame[] = [];
  const closeCodes: number[] = [];
  const closeOnIdentify: number[] = [];

  const send = (c: Connection, frame: GatewayFrame) => {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(frame));
  };
  const shut = (c: Connection, code: number, reason = '') => {
    closeCodes.push(code);
    c.ws.close(code, reason);
  };
  const dispatchTo = (c: Connection, t: string, d: unknown): number => {
    const s = c.session!;
    s.seq += 1;
    send(c, { op: 0, s: s.seq, t, d });
    return s.seq;
  };

  const guildCreate = () => ({
    ...world.guildObject(),
    unavailable: false, large: false, member_count: 1, joined_at: new Date().toISOString(),
    channels: [...world.channels.values()].filter((c) => !world.isThread(c)).map((c) => world.channelObject(c)),
    threads: [...world.channels.values()].filter((c) => c.thread_metadata && !c.thread_metadata.archived).map((c) => world.channelObject(c)),
    members: [{ user: world.bot, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
    voice_states: [], presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  });

  const identify = (c: Connection, d: IdentifyData) => {
    identifies.push(d);
    const refusal = closeOnIdentify.shift();
    if (refusal !== undefined) return shut(c, refusal, 'Closed on demand.');
    if (d.token !== opts.token && d.token !== `Bot ${opts.token}`) return shut(c, 4004, 'Authentication failed.');
    if ((d.intents & PRIVILEGED & ~enabledPrivileged) !== 0) return shut(c, 4014, 'Disallowed intent(s).');
    const session: Session = { id: randomUUID().replaceAll('-', ''), seq: 0, intents: d.intents };
    sessions.set(session.id, session);
    c.session = session;
    dispatchTo(c, 'READY', {
      v: 10, user: world.bot, guilds: [{ id: world.guildId, unavailable: true }], session_id: session.id,
      resume_gateway_url: url, shard: d.shard ?? [0, 1], application: { id: world.applicationId, flags: 0 },
      user_settings: {}, relationships: [], private_channels: [], presences: [], guild_join_requests: [], geo_ordered_rtc_regions: [],
    });
    dispatchTo(c, 'GUILD_CREATE', guildCreate());
  };

  const resume = (c: Connection, d: { token: string; session_id: string; seq: number }) => {
    resumes.push(d);
    const session = sessions.get(d.session_id);
    if (!session || d.token !== opts.token) return send(c, { op: 9, d: false }); // invalid session: identify afresh
    c.session = session;
    dispatchTo(c, 'RESUMED', null);
  };

  wss.on('connection', (ws) => {
    const c: Connection = { ws };
    connections.add(c);
    ws.on('close', () => connections.delete(c));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as GatewayFrame;
      received.push(frame);
      if (frame.op === 1) send(c, { op: 11, d: null });
      else if (frame.op === 2) identify(c, frame.d as IdentifyData);
      else if (frame.op === 6) resume(c, frame.d as { token: string; session_id: string; seq: number });
    });
    send(c, { op: 10, d: { heartbeat_interval: heartbeatInterval } });
  });

  // REST changes, as Discord announces them: only to sessions whose intents cover the event.
  // Without MessageContent, other users' message content, embeds, attachments and components arrive empty.
  world.on('dispatch', (t: string, d: Record<string, unknown>, intent: number) => {
    for (const c of connections) {
      if (!c.session || (c.session.intents & intent) === 0) continue;
      let data = d;
      const author = d.author as { id?: string } | undefined;
      if (intent === Intent.GuildMessages && (c.session.intents & Intent.MessageContent) === 0 && author?.id !== world.bot.id) {
        data = { ...d, content: '', embeds: [], attachments: [], components: [] };
      }
      dispatchTo(c, t, data);
    }
  });

  const live = () => [...connections].filter((c) => c.session !== undefined);
  return {
    url,
    identifies,
    resumes,
    received,
    closeCodes,
    dispatch(t, d) {
      const targets = live();
      if (targets.length === 0) throw new Error(`FakeDiscordGateway: no identified session to dispatch ${t} to`);
      let seq = 0;
      for (const c of targets) seq = dispatchTo(c, t, d);
      return seq;
    },
    disconnect(code, reason) {
      for (const c of connections) shut(c, code, reason);
    },
    closeNextIdentify: (code) => void closeOnIdentify.push(code),
    get openConnections() {
      return connections.size;
    },
    async waitForIdentify(count = 1, timeoutMs = 5000) {
      await pollUntil(identifies, (l) => l.length >= count, timeoutMs, (i) => `IDENTIFY intents=${i.intents}`, 'FakeDiscordGateway');
      return identifies[count - 1]!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

