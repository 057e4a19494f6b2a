// The fault suite's own Postgres and Redis, started once per test file so they can be hurt without
// touching the servers the rest of the suite shares: Postgres is stopped and started again on the
// same data directory and port (a restart as an operator's upgrade or a failover does it), Redis is
// FLUSHALLed (data loss without a restart).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startLocalPostgres, startLocalRedis, type LocalLog, type LocalService, type LocalServiceOptions } from '../../../src/local/index.js';
import { REPO_ROOT } from '../../support/cli-process.js';

export interface DataServices {
  /** The server's URL (database `ponte`); scenarios make their own databases on it. */
  postgresUrl: string;
  redisUrl: string;
  /** Stops Postgres (fast shutdown: every connection is cut), keeps it down `downMs`, starts it again. */
  restartPostgres(downMs: number): Promise<void>;
  /** FLUSHALL: every key of every prefix, as a Redis that lost its data. */
  flushRedis(): Promise<void>;
  stop(): Promise<void>;
}

const quiet: LocalLog = { info: () => {}, warn: (msg) => console.warn(`[faults services] ${msg}`) };

export async function startDataServices(): Promise<DataServices> {
  // Under the repository like the global setup's: the postgres account (when we run as root) can
  // reach it there, which it cannot always do under a private tmp directory.
  const dataDir = path.join(REPO_ROOT, '.data', `faults-${process.pid}`);
  const pgOpts: LocalServiceOptions = { dataDir, port: await freePort(), fast: true, log: quiet };
  let postgres: LocalService = await startLocalPostgres(pgOpts);
  let redis: LocalService | undefined;
  try {
    redis = await startLocalRedis({ dataDir, port: await freePort(), fast: true, log: quiet });
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  const redisUrl = redis.url;
  return {
    postgresUrl: postgres.url,
    redisUrl,
    async restartPostgres(downMs) {
      await postgres.stop();
      await new Promise((r) => setTimeout(r, downMs));
      postgres = await startLocalPostgres(pgOpts);
    },
    async flushRedis() {
      const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    async stop() {
      const results = await Promise.allSettled([postgres.stop(), redis.stop()]);
      await rm(dataDir, { recursive: true, force: true });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
