// Ponte under test: started through its composition root (startPonte) against the fakes, listening
// on 127.0.0.1, with one agent platform. Slack: set up the way an admin would, a signed
// `/ponte connect whatsapp …` slash command POSTed to /slack/events. Discord (no Slack variables):
// the connection is recorded as test/e2e/discord.test.ts does it, into the fake's forum.
import postgres from 'postgres';
import { startPonte, type Ponte } from '../src/main.js';
import { upsertConnection } from '../src/connections/repository.js';
import { slackHeaders, slashCommandBody } from '../test/fixtures/slack.js';
import { startWorkerProcess, type AgentSide, type FakeDiscordInfo, type WorkerProcess } from './children.js';
import type { CodeUnderTest } from './baseline.js';
import type { Sql } from '../src/db/connect.js';

import { ADMIN, CHANNEL, PHONE_ID, SECRETS, platformEnv } from '../test/support/platform-env.js';

export { ADMIN, CHANNEL, PHONE_ID, SECRETS };

/** inline: every role in one process (`ponte start`); process: web here + `--role worker` child; none: web only. */
export type WorkerPlacement = 'inline' | 'process' | 'none';

export interface PonteUnderTest {
  /** Absent when Ponte runs in a child process (`code` given). */
  ponte?: Ponte;
  url: string;
  workerPid?: number;
  /** The child process running the web role (or every role), when `code` is given. */
  pid?: number;
  /** Stops the web side and the worker process, if any. */
  stop(): Promise<void>;
}

export async function startPonteUnderTest(o: {
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string;
  slackUrl: string; graphUrl: string; logLevel: string; workers: WorkerPlacement; profileDir?: string;
  agent: AgentSide; discord?: FakeDiscordInfo; discordAdmin?: string;
  /** More of Ponte's variables (e.g. PONTE_PACING for the rate-limit bench). */
  extraEnv?: Record<string, string>;
  /** Run Ponte from this tree in child processes (bench/worker.ts) instead of in this process. */
  code?: CodeUnderTest;
}): Promise<PonteUnderTest> {
  const discord = o.agent === 'discord' ? o.discord : undefined;
  if (o.agent === 'discord' && !discord) throw new Error('the Discord pass needs the fake Discord');
  const env = {
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: o.logLevel,
    DATABASE_URL: o.databaseUrl, REDIS_URL: o.redisUrl, PONTE_QUEUE_PREFIX: o.queuePrefix,
    PONTE_DATA_DIR: o.dataDir,
    ...(discord ? discordOnlyEnv(o.graphUrl, discord, o.discordAdmin ?? '1') : platformEnv({ graph: o.graphUrl, slack: o.slackUrl })),
    // Tuning knobs pass through, so their effect can be measured without editing the bench.
    ...(process.env.PONTE_WORKER_CONCURRENCY ? { PONTE_WORKER_CONCURRENCY: process.env.PONTE_WORKER_CONCURRENCY } : {}),
    ...(process.env.PONTE_DATABASE_POOL ? { PONTE_DATABASE_POOL: process.env.PONTE_DATABASE_POOL } : {}),
    ...o.extraEnv,
  };
  if (o.code) return startInChildren(o, o.code, env, discord);
  const worker = o.workers === 'process' ? await startWorkerProcess(env, o.profileDir) : undefined;
  let ponte: Ponte;
  try {
    ponte = await startPonte({ listen: true, env, role: o.workers === 'inline' ? 'all' : 'web' });
  } catch (err) {
    await worker?.stop();
    throw err;
  }
  const stop = async () => {
    await ponte.stop();
    await worker?.stop();
  };
  try {
    if (!ponte.url) throw new Error('Ponte did not report a URL');
    await connect(ponte.url, ponte.sql, discord, o.discordAdmin);
    return { ponte, url: ponte.url, workerPid: worker?.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The same Ponte, started from `code.tree` in child processes: the web role (or all) and, for `process`, a worker. */
async function startInChildren(o: { databaseUrl: string; workers: WorkerPlacement; profileDir?: string; discordAdmin?: string }, code: CodeUnderTest, env: Record<string, string>, discord: FakeDiscordInfo | undefined): Promise<PonteUnderTest> {
  const prof = (role: string) => (o.profileDir ? `${o.profileDir}/${code.name.replace(/\W+/g, '-')}-${role}` : undefined);
  const worker = o.workers === 'process' ? await startWorkerProcess(env, prof('worker'), { tree: code.tree, name: `Ponte (${code.name}, worker role)` }) : undefined;
  let web: WorkerProcess;
  try {
    web = await startWorkerProcess(env, prof('web'), { tree: code.tree, role: o.workers === 'inline' ? 'all' : 'web', listen: true, name: `Ponte (${code.name})` });
  } catch (err) {
    await worker?.stop();
    throw err;
  }
  const stop = async () => {
    await web.stop();
    await worker?.stop();
  };
  const sql = postgres(o.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    if (!web.url) throw new Error(`Ponte (${code.name}) did not report a URL`);
    await connect(web.url, sql, discord, o.discordAdmin);
    return { url: web.url, pid: web.pid, workerPid: worker?.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The WhatsApp number connected to the agent side: Discord's forum recorded, Slack's channel by `/ponte connect`. */
async function connect(url: string, sql: Sql, discord: FakeDiscordInfo | undefined, admin: string | undefined): Promise<void> {
  if (discord) await upsertConnection(sql, { channel: 'whatsapp', accountId: PHONE_ID, platform: 'discord', destination: discord.forumId, createdBy: `discord:${admin ?? '1'}` });
  else await connectWhatsApp(url);
}

/** The Meta platforms against the Graph fake and Discord as the only agent platform: no SLACK_* variable. */
function discordOnlyEnv(graphUrl: string, d: FakeDiscordInfo, admin: string): Record<string, string> {
  const meta = Object.entries(platformEnv({ graph: graphUrl, slack: '' })).filter(([k]) => !k.startsWith('SLACK_'));
  return {
    ...Object.fromEntries(meta),
    PONTE_ADMINS: `discord:${admin}`,
    DISCORD_BOT_TOKEN: d.token, DISCORD_API_URL: d.apiUrl, DISCORD_APPLICATION_ID: d.applicationId,
  };
}

/** Connects the WhatsApp number to the channel the way an admin does it in Slack. */
async function connectWhatsApp(url: string): Promise<void> {
  const raw = slashCommandBody({ command: '/ponte', text: `connect whatsapp ${PHONE_ID} <#${CHANNEL}|bench>`, userId: ADMIN, channelId: CHANNEL });
  const headers = slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' });
  const res = await fetch(`${url}/slack/events`, { method: 'POST', body: raw, headers });
  const body = await res.text();
  if (res.status !== 200 || !body.includes(PHONE_ID)) throw new Error(`/ponte connect answered ${res.status}: ${body}`);
}

/**
 * Where the rows ended up: every inbound event done, every outbox row done, one ticket per contact;
 * and how many sessions sit in a transaction holding a lane lock (a stalled pipeline shows here).
 * Read on a connection of the bench's own, so a Ponte whose pool is exhausted can still be looked at.
 */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ k: string; n: number }[]>`
      SELECT 'inbound_events.' || state AS k, count(*)::int AS n FROM inbound_events GROUP BY state
      UNION ALL SELECT 'outbox.' || kind || '.' || state, count(*)::int FROM outbox GROUP BY kind, state
      UNION ALL SELECT 'tickets', count(*)::int FROM tickets
      UNION ALL SELECT 'sessions idle in transaction holding a lane lock', count(DISTINCT a.pid)::int
        FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory'
        WHERE a.datname = current_database() AND a.state = 'idle in transaction'`;
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Ponte's own view (prom-client): server-side ack histogram, event-loop lag, GC, work counters. */
export async function serverMetrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
}
