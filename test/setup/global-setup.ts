import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startLocalPostgres, startLocalRedis } from '../../src/local/index.js';
import type { LocalLog, LocalService } from '../../src/local/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const log: LocalLog = {
  info: (msg) => console.log(`[test services] ${msg}`),
  warn: (msg) => console.warn(`[test services] ${msg}`),
};

/**
 * Gives every test file a Postgres server and a Redis (read them with `inject('databaseUrl')`
 * and `inject('redisUrl')`). DATABASE_URL / REDIS_URL win; otherwise throwaway local servers
 * run in `.data/test-<pid>`, which teardown removes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = path.join(project.config.root, '.data', `test-${process.pid}`);
  const started: LocalService[] = [];
  const teardown = async (): Promise<void> => {
    // allSettled: one server failing to stop must not leave the other running.
    const results = await Promise.allSettled(started.map((service) => service.stop()));
    if (started.length > 0) await rm(dataDir, { recursive: true, force: true });
    // A cluster kept outside the data directory (root, with the project where postgres cannot go).
    for (const s of started) if (s.files) await rm(s.files, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    const databaseUrl = process.env.DATABASE_URL || (await startService(started, () => startLocalPostgresOnFreePort(dataDir)));
    const redisUrl = process.env.REDIS_URL || (await startService(started, () => startLocalRedisOnFreePort(dataDir)));
    project.provide('databaseUrl', databaseUrl);
    project.provide('redisUrl', redisUrl);
  } catch (error) {
    // Vitest only learns of the teardown from our return value, so clean up here on failure.
    await teardown().catch(() => {});
    throw error;
  }
  return teardown;
}

async function startService(started: LocalService[], start: () => Promise<LocalService>): Promise<string> {
  const service = await start();
  started.push(service);
  return service.url;
}

async function startLocalPostgresOnFreePort(dataDir: string): Promise<LocalService> {
  return startLocalPostgres({ dataDir, port: await freePort(), fast: true, log });
}

async function startLocalRedisOnFreePort(dataDir: string): Promise<LocalService> {
  return startLocalRedis({ dataDir, port: await freePort(), fast: true, log });
}
