import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConfigError, adminList, parseConfig, decodeKey } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { connectDatabase, type Sql } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { startLocalPostgres, startLocalRedis } from './local/index.js';
import { createQueues, redisConnection, type Kicker } from './queue/queues.js';
import { RedisRateGate } from './queue/rate-gate.js';
import { RedisPacer } from './queue/pacer.js';
import { SWEEP_EVERY_MS, startWorkers } from './queue/workers.js';
import { buildApp } from './http/app.js';
import { Inbox } from './pipeline/inbox.js';
import { InProcessLine } from './queue/in-process-line.js';
import { closeJob, inactivityJob, ingestJob, menuTimeoutJob, scheduledMessageJob } from './pipeline/jobs.js';
import { drainLane } from './pipeline/dispatch.js';
import { horizonFor, sweep, type SweepResult } from './pipeline/sweeper.js';
import { runCommand } from './admin/commands.js';
import { listDepartments } from './departments/repository.js';
import { findTicketByThread } from './tickets/repository.js';
import { contactDetailsForTicket } from './contacts/repository.js';
import { findAgent } from './agents/repository.js';
import { getMessageText } from './settings/repository.js';
import { SecretBox } from './crypto/secrets.js';
import type { AgentPlatform, ChannelKind } from './core/events.js';
import type { AgentBridge, CustomerChannel, ThreadRef } from './core/ports.js';
import { GraphClient } from '../channels/meta/graph-client.js';
import { metaRoutes, type MetaObjectParser } from '../channels/meta/routes.js';
import { parseWhatsApp } from '../channels/whatsapp/inbound.js';
import { parseInstagram, parseMessenger } from '../channels/messenger/inbound.js';
import { MessengerChannel } from '../channels/messenger/outbound.js';
import { templatesForTicket } from './templates/repository.js';
import { formSources } from './agent-ui/form-for.js';
import { closeAsksFor } from './tickets/close-settings.js';
import { WhatsAppChannel } from '../channels/whatsapp/outbound.js';
import { SlackBridge } from '../bridges/slack/outbound.js';
import { slackRoutes } from '../bridges/slack/routes.js';
import { startSocketMode } from '../bridges/slack/socket-mode.js';
import { slackSdkLogger } from '../bridges/slack/sdk-logger.js';
import type { SlackHandlerDeps } from '../bridges/slack/handler.js';
import { loadSlackIdentity } from '../bridges/slack/identity.js';
import { firstMemberChannel } from '../bridges/slack/member-channels.js';
import { startPlayground, type Playground } from '../channels/meta/playground/index.js';
import { playgroundEnv } from '../channels/meta/playground/config.js';
import { slackEnv } from '../bridges/slack/config.js';
import { slackManifest } from '../bridges/slack/manifest.js';
import { discordEnv } from '../bridges/discord/config.js';
import { DiscordBridge } from '../bridges/discord/outbound.js';
import { GatewayFacts } from '../bridges/discord/gateway-facts.js';
import { discordHttpInteractions, startDiscordGateway } from '../bridges/discord/gateway.js';
import { discordCli } from '../bridges/discord/commands/cli.js';

/** The whole environment contract: the core's variables and each adapter's. */
const adapterEnv = { ...slackEnv, ...discordEnv, ...playgroundEnv, PONTE_ADMINS: adminList(['slack', 'discord']) };
export type Config = ReturnType<typeof loadConfig>;

/** Parses the environment (DESIGN §2); a bad value throws a ConfigError that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(env, adapterEnv);
}

/** `ponte manifest <platform>`: the app manifests a bridge offers, for PUBLIC_URL. */
export const manifests: Record<string, (config: Config) => Promise<string>> = {
  slack: (config) => slackManifest(config.PUBLIC_URL, !!config.SLACK_APP_TOKEN),
};

/** `ponte <tool> …`: an agent tool's own commands (registering its commands, its install link); returns what to print. */
export const bridgeCommands: Record<string, (args: string[], config: Config) => Promise<string>> = {
  discord: (args, config) => discordCli(args, config),
};

/** `gateway`: only the connections an agent tool keeps open (Discord's), feeding the inbox (no HTTP, no workers). */
export type Role = 'all' | 'web' | 'worker' | 'gateway';

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  role?: Role;
  /** false: build everything but do not open a port (tests drive the app with inject()). */
  listen?: boolean;
  log?: Logger;
  sweepEveryMs?: number;
}

export interface Ponte {
  config: Config;
  log: Logger;
  sql: Sql;
  app?: FastifyInstance;
  /** The base URL it listens on, when listening. */
  url?: string;
  /** Runs one sweep now (what the periodic sweeper does). */
  sweep(): Promise<SweepResult>;
  /** Graceful shutdown: stop taking work, finish what is in flight, close pools. */
  stop(): Promise<void>;
}

/** The composition root: the only place that knows both the core and the adapters. */
export async function startPonte(opts: StartOptions = {}): Promise<Ponte> {
  let config = loadConfig(opts.env ?? process.env);
  const role = opts.role ?? 'all';
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => log.error({ err }, 'error during shutdown'));
  };

  try {
    // The playground (DESIGN §1) brings its own Graph API: Meta's variables point at it.
    let playground: Playground | undefined;
    if (config.PONTE_PLAYGROUND) {
      if (role !== 'all') throw new ConfigError(['PONTE_PLAYGROUND: the playground runs every role in one process; start it without --role']);
      const started = await startPlayground({ appSecret: config.META_APP_SECRET, verifyToken: config.META_VERIFY_TOKEN, mediaHosts: config.PONTE_MEDIA_HOSTS, log });
      playground = started;
      stops.push(() => started.stop());
      config = { ...config, ...started.variables };
    }
    const localLog = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m) };
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startLocalPostgres({ dataDir: config.PONTE_DATA_DIR, log: localLog });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      const redis = await startLocalRedis({ dataDir: config.PONTE_DATA_DIR, log: localLog });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }

    const sql = connectDatabase(databaseUrl, { max: config.PONTE_DATABASE_POOL });
    stops.push(() => sql.end({ timeout: 5 }));
    const { applied } = await migrate(sql);
    if (applied.length) log.info({ applied }, 'migrations applied');

    const redis = redisConnection(redisUrl);
    stops.push(() => redis.quit());
    const queues = createQueues(redis, config.PONTE_QUEUE_PREFIX);
    stops.push(() => queues.close());
    const metrics = createMetrics();
    // Work this process's workers can do is woken here, not through Redis (in-process-line.ts).
    const local: { ingest?: InProcessLine; dispatch?: InProcessLine } = {};
    const kicker: Kicker = {
      ...queues.kicker,
      ingest: (keys) => (local.ingest ? local.ingest.wake(keys) : queues.kicker.ingest(keys)),
      dispatch: (lanes) => (local.dispatch ? local.dispatch.wake(lanes) : queues.kicker.dispatch(lanes)),
    };
    const inbox = new Inbox(sql, kicker, metrics, log);

    const channels = new Map<ChannelKind, CustomerChannel>();
    const bridges = new Map<AgentPlatform, AgentBridge>();
    const parsers: Record<string, MetaObjectParser> = {};
    const graph = new GraphClient({ baseUrl: config.META_GRAPH_URL, version: config.META_GRAPH_VERSION, timeoutMs: config.PONTE_HTTP_TIMEOUT_MS });
    // The three Meta channels share one webhook and one Graph client. Each is on with the app
    // secret; sends need a token (the environment's default, or the connection's own).
    channels.set('whatsapp', new WhatsAppChannel(graph, config.WHATSAPP_ACCESS_TOKEN, { mediaHosts: config.PONTE_MEDIA_HOSTS }));
    channels.set('messenger', new MessengerChannel('messenger', graph, config.MESSENGER_PAGE_TOKEN, { allowedHosts: config.PONTE_MEDIA_HOSTS }));
    channels.set('instagram', new MessengerChannel('instagram', graph, config.INSTAGRAM_ACCESS_TOKEN, { allowedHosts: config.PONTE_MEDIA_HOSTS }));
    parsers.whatsapp_business_account = parseWhatsApp;
    parsers.page = parseMessenger;
    parsers.instagram = parseInstagram;
    // Rate limits are waited out by all workers together, per the platform's buckets.
    const gate = new RedisRateGate(redis, { prefix: config.PONTE_QUEUE_PREFIX });
    // Posts are paced to each channel's allowance, the oldest waiting ticket first (src/core/pacer.ts);
    // the bridges tell the pacer what the platform says about it (its limits, a 429's wait).
    const pacer = config.PONTE_PACING === 'on' ? new RedisPacer(redis, { prefix: config.PONTE_QUEUE_PREFIX }) : undefined;
    const slack = config.SLACK_BOT_TOKEN
      ? new SlackBridge({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, timeoutMs: config.PONTE_HTTP_TIMEOUT_MS, logger: slackSdkLogger(log, 'slack-web-api'), locale: config.PONTE_LOCALE, gate, learner: pacer })
      : undefined;
    if (slack) bridges.set('slack', slack);
    const discordFacts = new GatewayFacts(redis, config.PONTE_QUEUE_PREFIX);
    const discord = config.DISCORD_BOT_TOKEN
      ? new DiscordBridge({ token: config.DISCORD_BOT_TOKEN, apiUrl: config.DISCORD_API_URL, applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID, timeoutMs: config.PONTE_HTTP_TIMEOUT_MS, facts: discordFacts, locale: config.PONTE_LOCALE, learner: pacer })
      : undefined;
    if (discord) bridges.set('discord', discord);
    if (role === 'gateway' && !discord) throw new ConfigError(['DISCORD_BOT_TOKEN: the gateway role runs the Discord gateway; set it (README: Set up Discord)']);
    logPlatforms(log, config);

    const secrets = config.PONTE_SECRET_KEY ? new SecretBox(decodeKey(config.PONTE_SECRET_KEY)!) : undefined;
    const core = { sql, kicker, metrics, log, locale: config.PONTE_LOCALE, channels, bridges, secrets, mediaLimits: config.PONTE_MEDIA_LIMITS, publicUrl: config.PUBLIC_URL, pacer, mergeQueued: config.PONTE_MERGE_QUEUED === 'on', timeZone: config.PONTE_TIMEZONE };
    const ingestDeps = {
      ...core,
      capabilitiesOf: (c: string) => channels.get(c as ChannelKind)?.capabilities,
      armClose: (ticketId: string, at: Date) => queues.kicker.closeAt(ticketId, at),
      armMessage: (scheduledId: string, at: Date) => queues.kicker.messageAt(scheduledId, at),
      envAdmins: config.PONTE_ADMINS,
      timeZone: config.PONTE_TIMEZONE,
    };

    const sweepEveryMs = opts.sweepEveryMs ?? config.PONTE_SWEEP_EVERY_MS ?? SWEEP_EVERY_MS;
    const sweepNow = () => sweep(sql, queues.kicker, { horizonMs: horizonFor(sweepEveryMs) });
    if (role === 'all' || role === 'worker') {
      const workers = await startWorkers(redis, config.PONTE_QUEUE_PREFIX, queues, {
        ingest: (key) => ingestJob(ingestDeps, key),
        dispatch: (lane) => drainLane(core, lane),
        sweep: sweepNow,
        closeTicket: (ticketId) => closeJob(ingestDeps, ticketId),
        menuTimeout: (ticketId) => menuTimeoutJob(ingestDeps, ticketId),
        sendScheduled: (scheduledId) => scheduledMessageJob(ingestDeps, scheduledId),
        inactivity: (ticketId) => inactivityJob(ingestDeps, ticketId),
      }, log, { sweepEveryMs, concurrency: config.PONTE_WORKER_CONCURRENCY });
      stops.push(() => workers.close());
      if (config.PONTE_WAKE_IN_PROCESS === 'on') {
        const lines = { concurrency: config.PONTE_WORKER_CONCURRENCY, maxWaiting: 50 * config.PONTE_WORKER_CONCURRENCY, log };
        local.dispatch = new InProcessLine({ ...lines, what: 'dispatch', run: (lane) => drainLane(core, lane), handOff: (lanes) => queues.kicker.dispatch(lanes) });
        // The web role's webhooks reach this process's workers only when both run here.
        if (role === 'all') local.ingest = new InProcessLine({ ...lines, what: 'ingest', run: (key) => ingestJob(ingestDeps, key), handOff: (keys) => queues.kicker.ingest(keys) });
        stops.push(() => Promise.all([local.ingest?.close(), local.dispatch?.close()]));
      }
    }

    // What `/ponte` needs, whichever tool it is typed in.
    const threadLink = async (platform: AgentPlatform, thread: ThreadRef, label: string) =>
      (await bridges.get(platform)?.threadLink(thread, label)) ?? { text: label };
    const lookupProfile = async (platform: AgentPlatform, userId: string) => {
      const bridge = bridges.get(platform);
      if (!bridge) throw new Error(`no ${platform} bridge`);
      return bridge.lookupUser(userId);
    };
    const adminDeps = {
      sql, envAdmins: config.PONTE_ADMINS, lookupProfile, threadLink, timeZone: config.PONTE_TIMEZONE,
      kickLanes: (lanes: string[]) => queues.kicker.dispatch(lanes), secrets, capabilitiesOf: ingestDeps.capabilitiesOf,
      armMessage: ingestDeps.armMessage, publicUrl: config.PUBLIC_URL,
    };
    const discordSlash = { sql, forms: formSources(sql), runCommand: (ctx: Parameters<typeof runCommand>[1], tokens: Parameters<typeof runCommand>[2]) => runCommand(adminDeps, ctx, tokens) };
    let app: FastifyInstance | undefined;
    let url: string | undefined;
    if (role === 'all' || role === 'web') {
      // The workspace and app requests must come from, and our bot (auth.test, bots.info).
      const identity = slack ? loadSlackIdentity(slack.client, log) : undefined;
      if (identity) stops.push(async () => identity.stop());
      const slackDeps: SlackHandlerDeps = {
        inbox,
        locale: config.PONTE_LOCALE,
        identity,
        metrics,
        runCommand: (ctx, tokens) => runCommand(adminDeps, ctx, tokens),
        botUserId: () => identity?.current()?.botUserId,
        openView: slack ? (triggerId, view) => slack.openForm(triggerId, view) : undefined,
        listDepartments: () => listDepartments(sql),
        ticketForThread: async (channelId, threadTs) => (await findTicketByThread(sql, 'slack', channelId, threadTs))?.id,
        contactForTicket: (ticketId) => contactDetailsForTicket(sql, ticketId),
        templatesForTicket: (ticketId) => templatesForTicket(sql, ticketId),
        closeAsksFor: (ticketId) => closeAsksFor(sql, ticketId),
        farewellFor: async (userId) => (await findAgent(sql, 'slack', userId))?.closing_message ?? (await getMessageText(sql, 'farewell')) ?? null,
      };
      const plugins: FastifyPluginAsync[] = [];
      if (config.META_APP_SECRET) {
        plugins.push(metaRoutes({ appSecret: config.META_APP_SECRET, verifyToken: config.META_VERIFY_TOKEN, inbox, metrics, parsers }));
      }
      if (slack && config.SLACK_SIGNING_SECRET) {
        plugins.push(slackRoutes({ ...slackDeps, signingSecret: config.SLACK_SIGNING_SECRET, metrics }));
      }
      if (discord && config.DISCORD_PUBLIC_KEY) {
        plugins.push(discordHttpInteractions({ inbox, facts: discordFacts, locale: config.PONTE_LOCALE, ...discordSlash }, { token: config.DISCORD_BOT_TOKEN!, apiUrl: config.DISCORD_API_URL, publicKey: config.DISCORD_PUBLIC_KEY, timeoutMs: config.PONTE_HTTP_TIMEOUT_MS, log }));
      }
      if (playground) plugins.push(playground.routes);
      app = await buildApp({ log, sql, redis, metrics, bodyLimit: config.PONTE_BODY_LIMIT, plugins, sources: { '/webhooks/meta': 'meta', '/slack': 'slack', '/discord': 'discord' } });
      const httpApp = app;
      stops.push(() => httpApp.close());
      if (playground) {
        const slackSide = slack && { channel: config.PONTE_PLAYGROUND_CHANNEL, firstChannel: () => firstMemberChannel(slack.client) };
        await playground.attach(app, { sql, whatsapp: channels.get('whatsapp')!, slack: slackSide || undefined });
      }
      if (opts.listen !== false) url = await app.listen({ port: config.PORT, host: config.HOST });
      if (playground && url) log.info(`playground: open ${url}/playground`);
      if (slack && config.SLACK_APP_TOKEN) {
        const socket = await startSocketMode(slackDeps, { appToken: config.SLACK_APP_TOKEN, apiUrl: config.SLACK_API_URL, log });
        stops.push(() => socket.stop());
      }
    }
    // One gateway connection per deployment: in the all-in-one process, or in its own role.
    if (discord && (role === 'all' || role === 'gateway')) {
      const at = { applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID };
      const gateway = await startDiscordGateway({ inbox, facts: discordFacts, locale: config.PONTE_LOCALE, ...discordSlash }, { token: config.DISCORD_BOT_TOKEN!, apiUrl: config.DISCORD_API_URL, timeoutMs: config.PONTE_HTTP_TIMEOUT_MS, log, ...at });
      stops.push(() => gateway.stop());
    }

    log.info({ role, url }, 'ponte started');
    return { config, log, sql, app, url, sweep: sweepNow, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One line per platform: on, or which variables turn it on (DESIGN §2). */
function logPlatforms(log: Logger, c: Config): void {
  const line = (name: string, on: boolean, how: string) => log.info(on ? `${name}: on` : `${name}: off (${how})`);
  if (c.PONTE_PLAYGROUND) log.info(`whatsapp: playground (Graph API emulator at ${c.META_GRAPH_URL}; no Meta account involved)`);
  else line('whatsapp', !!c.META_APP_SECRET, 'set META_APP_SECRET, META_VERIFY_TOKEN and WHATSAPP_ACCESS_TOKEN, or try it with no Meta account: npm run playground');
  if (c.META_APP_SECRET && !c.WHATSAPP_ACCESS_TOKEN) log.warn('whatsapp: no WHATSAPP_ACCESS_TOKEN: replies fail unless a connection carries its own token');
  // Messenger and Instagram webhooks are read whenever Meta's are; "on" means replies can go
  // out with the environment's token (a connection may also carry its own, `connect … token=`).
  line('messenger', !!c.META_APP_SECRET && !!c.MESSENGER_PAGE_TOKEN, 'set META_APP_SECRET and MESSENGER_PAGE_TOKEN, or connect a page with token=');
  line('instagram', !!c.META_APP_SECRET && !!c.INSTAGRAM_ACCESS_TOKEN, 'set META_APP_SECRET and INSTAGRAM_ACCESS_TOKEN, or connect an account with token=');
  line('slack', !!c.SLACK_BOT_TOKEN && !!(c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN), 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  line('discord', !!c.DISCORD_BOT_TOKEN, 'set DISCORD_BOT_TOKEN (and DISCORD_APPLICATION_ID) from the Developer Portal');
}
