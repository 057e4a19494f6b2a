// Postgres and Redis for one benchmark run: throwaway local servers in `.data/bench-<pid>`, or a
// fresh database (and a private queue prefix) on the servers named by DATABASE_URL / REDIS_URL.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { freePort, startLocalPostgres, startLocalRedis, type LocalService } from '../src/local/index.js';

export interface BenchServices {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** Human-readable: where Postgres and Redis come from and how durable they are. */
  postgres: string;
  redis: string;
  /** Postgres settings that decide commit latency, as the server reports them. */
  settings: Record<string, string>;
  /** Whether statements are counted (pg_stat_statements in every bench database), and if not, why. */
  statements: string;
  /** The local cluster's data directory (to find its processes); undefined for DATABASE_URL. */
  pgData?: string;
  /** A second, fresh database on the same server and a queue prefix of its own (for another pass); cleaned up by stop(). */
  freshPass(label: string): Promise<{ databaseUrl: string; queuePrefix: string }>;
  stop(): Promise<void>;
}

const log = { info: () => {}, warn: (m: string) => console.warn(`[bench services] ${m}`) };

async function createDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ponte_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    const cleaner = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await cleaner`drop database if exists ${cleaner(name)} with (force)`;
    } finally {
      await cleaner.end({ timeout: 5 });
    }
  };
  return { url: url.toString(), drop };
}

// Statements per message come from pg_stat_statements, which must be loaded when the server
// starts: only a server the bench starts itself has it. `top` leaves out the statements that
// functions and triggers run (foreign-key checks): what is counted is what a client sent.
const STATEMENT_SETTINGS = { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' };

async function countStatements(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A local Postgres with pg_stat_statements loaded, or without it if this install lacks the module. */
async function startPostgres(dataDir: string, fast: boolean): Promise<{ pg: LocalService; counting: boolean; statements: string }> {
  const port = await freePort();
  try {
    const pg = await startLocalPostgres({ dataDir, port, fast, log, settings: STATEMENT_SETTINGS });
    await countStatements(pg.url);
    return { pg, counting: true, statements: 'counted (pg_stat_statements, track = top)' };
  } catch (err) {
    log.warn(`Postgres did not start with pg_stat_statements (${(err as Error).message.split('\n')[0]}); starting it without, so statements are not counted`);
    const pg = await startLocalPostgres({ dataDir, port, fast, log });
    return { pg, counting: false, statements: `not counted: this Postgres install lacks pg_stat_statements (${(err as Error).message.split('\n')[0]})` };
  }
}

async function readSettings(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string; setting: string }[]>`
      SELECT name, setting FROM pg_settings
      WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'server_version')`;
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function startServices(opts: { fast: boolean; root: string }): Promise<BenchServices> {
  const dataDir = path.join(opts.root, '.data', `bench-${process.pid}`);
  const queuePrefix = `bench${randomBytes(4).toString('hex')}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  let usedDataDir = false;
  const stop = async () => {
    const results = await Promise.allSettled(cleanups.splice(0).reverse().map((c) => c()));
    if (usedDataDir) await rm(dataDir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const durability = opts.fast ? 'fast: fsync=off, synchronous_commit=off' : 'durable: fsync=on, synchronous_commit=on';
  try {
    let databaseUrl: string;
    let pgWhere: string;
    let pgData: string | undefined;
    let counting = false;
    let statements = 'not counted: DATABASE_URL server (pg_stat_statements must be in its shared_preload_libraries; the bench loads it only in the Postgres it starts)';
    if (process.env.DATABASE_URL) {
      const db = await createDatabase(process.env.DATABASE_URL);
      cleanups.push(db.drop);
      databaseUrl = db.url;
      pgWhere = `DATABASE_URL server, fresh database ${new URL(db.url).pathname.slice(1)} (server settings as configured)`;
    } else {
      usedDataDir = true;
      const local = await startPostgres(dataDir, opts.fast);
      const pg = local.pg;
      ({ counting, statements } = local);
      cleanups.push(() => pg.stop());
      databaseUrl = pg.url;
      pgData = path.join(dataDir, 'postgres');
      pgWhere = `local Postgres in ${path.relative(opts.root, dataDir)} (${durability})`;
    }
    let redisUrl: string;
    let redisWhere: string;
    if (process.env.REDIS_URL) {
      redisUrl = process.env.REDIS_URL;
      cleanups.push(() => deleteKeys(redisUrl, queuePrefix));
      redisWhere = `REDIS_URL server, queue prefix ${queuePrefix}`;
    } else {
      usedDataDir = true;
      const redis = await startLocalRedis({ dataDir, port: await freePort(), fast: opts.fast, log });
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
      redisWhere = `local Redis (${opts.fast ? 'no persistence' : 'AOF, fsync every second'})`;
    }
    const settings = await readSettings(databaseUrl);
    const freshPass = async (label: string) => {
      const db = await createDatabase(databaseUrl);
      if (counting) await countStatements(db.url);
      const prefix = `${queuePrefix}${label}`;
      // A local server is thrown away whole; on the servers of DATABASE_URL / REDIS_URL, clean up.
      if (process.env.DATABASE_URL) cleanups.push(db.drop);
      if (process.env.REDIS_URL) cleanups.push(() => deleteKeys(redisUrl, prefix));
      return { databaseUrl: db.url, queuePrefix: prefix };
    };
    return { databaseUrl, redisUrl, queuePrefix, postgres: pgWhere, redis: redisWhere, settings, statements, pgData, freshPass, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
