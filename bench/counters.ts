// Work counters that do not depend on how busy the machine is: Postgres transactions and row
// operations (pg_stat_database) and Redis commands (INFO), read before and after a phase and
// divided by the number of messages. Postgres publishes a backend's counts when it goes idle or
// exits, so read the "after" side once the service under test has closed its pool.
import postgres from 'postgres';
import { Redis } from 'ioredis';

export interface Counters { pg: Record<string, number>; redis: Record<string, number> }

export async function readCounters(databaseUrl: string, redisUrl: string): Promise<Counters> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    const [row] = await sql<Record<string, string>[]>`
      SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched
      FROM pg_stat_database WHERE datname = current_database()`;
    // Which tables are read by sequential scan (and how many rows that reads) vs by index.
    const tables = await sql<{ relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null; idx_tup_fetch: string | null }[]>`
      SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables`;
    const pg: Record<string, number> = Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
    for (const t of tables) {
      pg[`${t.relname}.seq_scan`] = Number(t.seq_scan);
      pg[`${t.relname}.seq_tup_read`] = Number(t.seq_tup_read);
      pg[`${t.relname}.idx_scan`] = Number(t.idx_scan ?? 0);
      pg[`${t.relname}.idx_tup_fetch`] = Number(t.idx_tup_fetch ?? 0);
    }
    // Index entries read, per index (dead entries a scan must step over count too).
    const indexes = await sql<{ name: string; read: string }[]>`
      SELECT relname || '/' || indexrelname AS name, idx_tup_read AS read FROM pg_stat_all_indexes WHERE idx_tup_read > 0`;
    for (const i of indexes) pg[`index ${i.name}.idx_tup_read`] = Number(i.read);
    // WAL flushes are the commits that wait for the disk (cluster-wide: alone on a local server).
    const [wal] = await sql<{ wal_records: string; wal_sync: string }[]>`SELECT wal_records, wal_sync FROM pg_stat_wal`;
    if (wal) Object.assign(pg, { wal_records: Number(wal.wal_records), wal_sync: Number(wal.wal_sync) });
    await redis.connect();
    const info = await redis.info('all');
    const redisCounts: Record<string, number> = {};
    for (const line of info.split('\r\n')) {
      const total = /^total_commands_processed:(\d+)/.exec(line);
      if (total) redisCounts.commands = Number(total[1]);
      const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (cmd) redisCounts[cmd[1]!] = Number(cmd[2]);
    }
    return { pg, redis: redisCounts };
  } finally {
    redis.disconnect();
    await sql.end({ timeout: 5 });
  }
}

/** (after − before) / messages, for every counter that moved; Redis lists its top commands. */
export function perMessage(before: Counters, after: Counters, messages: number): Counters {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]): [string, number] => [k, Math.round(((v - (a[k] ?? 0)) / messages) * 100) / 100])
        .filter(([, v]) => v >= 0.05), // drops one-off catalog reads and the bench's own queries
    );
  const redis = Object.entries(diff(before.redis, after.redis)).sort((x, y) => y[1] - x[1]).slice(0, 12);
  return { pg: diff(before.pg, after.pg), redis: Object.fromEntries(redis) };
}
