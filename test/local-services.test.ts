import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POSTGRES_MISSING, REDIS_MISSING, freePort, startLocalPostgres, startLocalRedis } from '../src/local/index.js';
import type { LocalService } from '../src/local/index.js';
import { writeSettings } from '../src/local/postgres-cluster.js';
import { createTestDatabase } from './support/database.js';

/** The settings file Ponte writes into a cluster it starts. */
const settingsFile = (dataDir: string, pg: LocalService) => path.join(pg.files ?? dataDir, 'postgres', 'ponte.conf');

/** True once nothing accepts TCP connections on the port any more. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

// These servers are separate from the ones global setup provides: the point is to watch
// one start and stop.
describe('local services', () => {
  let dataDir: string;
  const started: LocalService[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ponte-local-'));
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((service) => service.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a Postgres that answers queries, is reused while running and stops for good', async () => {
    const port = await freePort();
    const pg = await startLocalPostgres({ dataDir, port, fast: true });
    started.push(pg);
    expect(pg.url).toBe(`postgres://ponte@127.0.0.1:${port}/ponte`);
    // Started the way `ponte start` starts it: only Ponte's own settings.
    expect(await readFile(settingsFile(dataDir, pg), 'utf8')).not.toMatch(/shared_preload_libraries|pg_stat_statements/);

    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ one: number }[]>`select 1 as one`;
    await sql.end();
    expect(row?.one).toBe(1);

    // A second start on the same data directory finds the running server instead of failing.
    const again = await startLocalPostgres({ dataDir, port, fast: true });
    expect(again.url).toBe(pg.url);

    await pg.stop();
    await pg.stop(); // idempotent
    expect(await refusesConnections(port)).toBe(true);
  });

  it('writes extra server settings after its own only when a caller asks for them', async () => {
    const pgData = path.join(dataDir, 'settings-only');
    await mkdir(pgData);
    await writeFile(path.join(pgData, 'postgresql.conf'), '');
    const runner = { wrap: (cmd: string, args: readonly string[]): [string, string[]] => [cmd, [...args]], own: async () => {} };
    const written = async () => (await readFile(path.join(pgData, 'ponte.conf'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));

    await writeSettings(pgData, { port: 5999, fast: false }, runner);
    const plain = await written();
    expect(plain.join('\n')).not.toMatch(/shared_preload_libraries|pg_stat_statements/);

    await writeSettings(pgData, { port: 5999, fast: false, extra: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' } }, runner);
    expect(await written()).toEqual([...plain, "shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track = 'top'"]);
  });

  it('starts a Postgres with the extra settings it is given (the bench loads pg_stat_statements)', async () => {
    const own = path.join(dataDir, 'with-statements');
    const pg = await startLocalPostgres({ dataDir: own, port: await freePort(), fast: true, settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' } });
    started.push(pg);
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const [track] = await sql<{ setting: string }[]>`SELECT setting FROM pg_settings WHERE name = 'pg_stat_statements.track'`;
      expect(track?.setting).toBe('top');
      await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
      await sql`SELECT 42 AS answer`;
      const [row] = await sql<{ calls: string }[]>`SELECT sum(calls) AS calls FROM pg_stat_statements WHERE query LIKE 'SELECT $1 AS answer%'`;
      expect(Number(row?.calls)).toBe(1);
    } finally {
      await sql.end();
      await pg.stop();
    }
  });

  // The usual container or VM: root, with the project in /root (mode 0700), where the postgres
  // account Postgres must run as cannot enter. Only root can be in that situation.
  it.skipIf(process.getuid?.() !== 0)('as root, keeps the cluster where postgres can reach it when the project is in a private folder', async () => {
    const home = path.join(dataDir, 'private-home');
    await mkdir(home, { mode: 0o700 });
    await chmod(home, 0o700);
    const projectData = path.join(home, 'ponte', '.data');
    const lines: string[] = [];
    const port = await freePort();
    const pg = await startLocalPostgres({ dataDir: projectData, port, fast: true, log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) } });
    started.push(pg);
    try {
      const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
      const [row] = await sql<{ one: number }[]>`select 1 as one`;
      await sql.end();
      expect(row?.one).toBe(1);
      expect(pg.files).toBeDefined();
      expect(pg.files!.startsWith(home)).toBe(false);
      expect(lines.filter((l) => l.includes('cannot enter'))).toEqual([
        `Postgres runs as "postgres", which cannot enter ${projectData}: its data is in ${pg.files}/postgres instead.`,
      ]);
      expect((await readFile(path.join(projectData, 'postgres-location.txt'), 'utf8')).trim()).toBe(`${pg.files}/postgres`);
      // Nobody's home was opened up to make it work.
      expect((await stat(home)).mode & 0o777).toBe(0o700);
    } finally {
      await pg.stop();
      await rm(pg.files!, { recursive: true, force: true });
    }
  });

  it('runs a Redis that answers PING and stops for good', async () => {
    const port = await freePort();
    const redis = await startLocalRedis({ dataDir, port, fast: true });
    started.push(redis);
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);

    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.quit();

    await Promise.all([redis.stop(), redis.stop()]); // concurrent stops share one shutdown
    expect(await refusesConnections(port)).toBe(true);
  });

  it('explains how to get Postgres when no binaries exist', async () => {
    const nowhere = { path: '', postgresRoot: path.join(dataDir, 'nothing-here'), embedded: false };
    const start = startLocalPostgres({ dataDir, port: await freePort(), binaries: nowhere });
    await expect(start).rejects.toThrow(POSTGRES_MISSING);
    expect(POSTGRES_MISSING).toMatch(/apt-get install postgresql.*DATABASE_URL/);
  });

  it('explains how to get Redis when redis-server is missing and installing is off', async () => {
    const start = startLocalRedis({ dataDir, port: await freePort(), binaries: { path: '', install: false } });
    await expect(start).rejects.toThrow(REDIS_MISSING);
    expect(REDIS_MISSING).toMatch(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
  });
});

describe('services from global setup', () => {
  it('provides a Postgres where each test file gets its own database', async () => {
    const db = await createTestDatabase(inject('databaseUrl'));
    const name = new URL(db.url).pathname.slice(1);
    expect(name).toMatch(/^ponte_t_[0-9a-f]+$/);
    const [row] = await db.sql<{ current_database: string }[]>`select current_database()`;
    expect(row?.current_database).toBe(name);

    await db.drop();
    const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    const left = await admin`select 1 from pg_database where datname = ${name}`;
    await admin.end();
    expect(left).toHaveLength(0);
  });

  it('provides a Redis', async () => {
    const client = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});
