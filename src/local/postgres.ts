import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { postgresRunner } from './as-user.js';
import { ensureCluster, writeSettings } from './postgres-cluster.js';
import { clusterHome } from './postgres-home.js';
import type { Tool } from './postgres-cluster.js';
import { findPostgresBinaries } from './postgres-binaries.js';
import { findRunningPostmaster } from './postgres-pidfile.js';
import { run, tail } from './run.js';
import { silentLog } from './types.js';
import type { LocalService, LocalServiceOptions } from './types.js';

export const DEFAULT_POSTGRES_PORT = 54329;
const USER = 'ponte';
const DATABASE = 'ponte';

async function adminQuery<T>(port: number, query: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  // No array types to learn here, and a postmaster still starting may drop the connection
  // during that catalog query, whose failure postgres.js leaves unhandled (src/db/connect.ts).
  const sql = postgres({ host: '127.0.0.1', port, user: USER, database: 'postgres', max: 1, connect_timeout: 3, fetch_types: false, onnotice: () => {} });
  try {
    return await query(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function answers(port: number): Promise<boolean> {
  return adminQuery(port, (sql) => sql`select 1`).then(
    () => true,
    () => false,
  );
}

/** A postmaster that is still recovering or starting needs a moment before it answers. */
async function waitUntilAnswering(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

async function ensureDatabase(port: number): Promise<void> {
  await adminQuery(port, async (sql) => {
    const existing = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (existing.length > 0) return;
    // Two processes may race to create it; losing the race (42P04) is fine.
    await sql`create database ${sql(DATABASE)}`.catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error;
    });
  });
}

/** What a caller other than `ponte start` may add (the bench loads pg_stat_statements). */
export interface PostgresExtras {
  /** More server settings for a cluster this call starts (not one already running), e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  settings?: Record<string, string>;
}

/**
 * Runs (or reuses) a Postgres cluster in `<dataDir>/postgres`, listening on 127.0.0.1 only.
 * The server runs detached (pg_ctl), so a crashed Ponte leaves it running and the next
 * start reuses it rather than failing on the lock file.
 */
export async function startLocalPostgres(opts: LocalServiceOptions & PostgresExtras): Promise<LocalService> {
  const log = opts.log ?? silentLog;
  const dataDir = path.resolve(opts.dataDir);
  const { binDir, source } = await findPostgresBinaries(opts.binaries);
  const runner = await postgresRunner();
  // LC_ALL=C keeps tool messages predictable and avoids failures on ungenerated locales;
  // cwd "/" because the unprivileged account may not be allowed into our working directory.
  const env = { ...process.env, LC_ALL: 'C' };
  const tool: Tool = (name, args) => run(...runner.wrap(path.join(binDir, name), args), { env, cwd: '/' });

  await mkdir(dataDir, { recursive: true });
  const pgData = await clusterHome(dataDir, runner, log);

  let port = opts.port ?? DEFAULT_POSTGRES_PORT;
  const running = await findRunningPostmaster(pgData, log);
  if (running) {
    if (!(await waitUntilAnswering(running.port, 15_000))) {
      throw new Error(`Postgres (PID ${running.pid}) holds ${pgData} but does not answer on 127.0.0.1:${running.port}. Stop it with \`pg_ctl stop -D ${pgData}\` and retry.`);
    }
    if (running.port !== port) log.warn(`Postgres on ${pgData} already runs on port ${running.port}, not ${port}; using it.`);
    log.info(`Reusing the Postgres already running on ${pgData} (port ${running.port}).`);
    port = running.port;
  } else {
    const fast = opts.fast ?? false;
    await ensureCluster(pgData, tool, runner, fast, log);
    await writeSettings(pgData, { port, fast, ...(opts.settings ? { extra: opts.settings } : {}) }, runner);
    log.info(`Starting Postgres (${source}: ${binDir}) on 127.0.0.1:${port}, data in ${pgData}`);
    const logFile = path.join(pgData, 'server.log');
    const started = await tool('pg_ctl', ['start', '-D', pgData, '-l', logFile, '-w', '-t', '60', '-s']);
    if (started.code !== 0) {
      const serverLog = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`Postgres failed to start on port ${port}:\n${tail(started.output)}\n${tail(serverLog)}`);
    }
  }
  await ensureDatabase(port);

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const stopped = await tool('pg_ctl', ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60', '-s']);
    // Someone else stopping it first is as good as stopping it ourselves.
    if (stopped.code !== 0 && (await findRunningPostmaster(pgData, silentLog))) {
      throw new Error(`pg_ctl stop failed for ${pgData}:\n${tail(stopped.output)}`);
    }
    log.info(`Stopped Postgres on 127.0.0.1:${port}`);
  };
  return {
    url: `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`,
    ...(path.dirname(pgData) !== dataDir ? { files: path.dirname(pgData) } : {}),
    stop: () => (stopping ??= stop()),
  };
}
