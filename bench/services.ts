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
    if (process.env.DATABASE_URL) {
      const db = await createDatabase(process.env.DATABASE_URL);
      cleanups.push(db.drop);
      databaseUrl = db.url;
      pgWhere = `DATABASE_URL server, fresh database ${new URL(db.url).pathname.slice(1)} (server settings as configured)`;
    } else {
      usedDataDir = true;
      const pg: LocalService = await startLocalPostgres({ dataDir, port: await freePort(), fast: opts.fast, log });
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
      const prefix = `${queuePrefix}${label}`;
      // A local server is thrown away whole; on the servers of DATABASE_URL / REDIS_URL, clean up.
      if (process.env.DATABASE_URL) cleanups.push(db.drop);
      if (process.env.REDIS_URL) cleanups.push(() => deleteKeys(redisUrl, prefix));
      return { databaseUrl: db.url, queuePrefix: prefix };
    };
    return { databaseUrl, redisUrl, queuePrefix, postgres: pgWhere, redis: redisWhere, settings, pgData, freshPass, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
