// Work counters that do not depend on how busy the machine is: Postgres transactions and row
// operations (pg_stat_database), statements (pg_stat_statements, when the server has it) and
// Redis commands (INFO), read before and after a phase and divided by the number of messages. Postgres publishes a backend's counts when it goes idle or
// exits, so read the "after" side once the service under test has closed its pool.
import postgres from 'postgres';
import { Redis } from 'ioredis';

export interface Counters {
  pg: Record<string, number>;
  redis: Record<string, number>;
  /** Calls by statement text; per message: the most called ones (text shortened). Absent when not counted. */
  statements?: Record<string, number>;
  /** Per message only: CPU milliseconds by process group over the load and the drain (bench/cpu-time.ts). */
  cpuMs?: Record<string, number>;
}

/** How many statements the per-message figures list, and how much of each one's text. */
export const TOP_STATEMENTS = 15;
export const STATEMENT_CHARS = 100;

/** Statement calls by text (whitespace collapsed) in this database, or undefined without pg_stat_statements. */
async function readStatements(sql: postgres.Sql): Promise<Record<string, number> | undefined> {
  const [view] = await sql<{ present: boolean }[]>`SELECT to_regclass('pg_stat_statements') IS NOT NULL AS present`;
  if (!view?.present) return undefined;
  // The bench's own reads of the statistics views are left out; Ponte never reads them.
  const rows = await sql<{ query: string; calls: string }[]>`
    SELECT regexp_replace(query, '[[:space:]]+', ' ', 'g') AS query, sum(calls) AS calls FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND strpos(query, 'pg_stat_') = 0 AND strpos(query, 'to_regclass') = 0
    GROUP BY 1`;
  return countTransactionEnds(Object.fromEntries(rows.map((r) => [r.query.trim(), Number(r.calls)])));
}

export const TRANSACTION_ENDS = 'commit or rollback (one per begin)';

/**
 * Postgres 15's pg_stat_statements counts `commit` and `rollback` from postgres.js once in all,
 * however many transactions end (30 `begin` beside 1 `commit`, seen on 15.18), while `begin` is
 * counted each time. Each transaction ends with one of the two, one round trip, so the ends are
 * counted as one per `begin` (a transaction still open at a reading is off by one).
 */
export function countTransactionEnds(calls: Record<string, number>): Record<string, number> {
  const ends = /^(commit|rollback|end)$/i;
  const begins = Object.entries(calls).reduce((n, [q, v]) => n + (/^(begin|start transaction)/i.test(q) ? v : 0), 0);
  const rest = Object.entries(calls).filter(([q]) => !ends.test(q));
  return Object.fromEntries(begins > 0 ? [...rest, [TRANSACTION_ENDS, begins]] : rest);
}

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
    const statements = await readStatements(sql);
    if (statements) pg.statements = Object.values(statements).reduce((a, b) => a + b, 0);
    await redis.connect();
    const info = await redis.info('all');
    const redisCounts: Record<string, number> = {};
    for (const line of info.split('\r\n')) {
      const total = /^total_commands_processed:(\d+)/.exec(line);
      if (total) redisCounts.commands = Number(total[1]);
      const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (cmd) redisCounts[cmd[1]!] = Number(cmd[2]);
    }
    return { pg, redis: redisCounts, ...(statements ? { statements } : {}) };
  } finally {
    redis.disconnect();
    await sql.end({ timeout: 5 });
  }
}

const perMessageValue = (v: number, messages: number) => Math.round((v / messages) * 100) / 100;

/** A statement's text as the figures show it: at most STATEMENT_CHARS characters. */
export const shorten = (query: string): string => (query.length > STATEMENT_CHARS ? `${query.slice(0, STATEMENT_CHARS - 1)}…` : query);

/** The most called statements between two readings, per message, by shortened text (texts that shorten alike add up). */
export function topStatements(before: Record<string, number>, after: Record<string, number>, messages: number, n = TOP_STATEMENTS): Record<string, number> {
  const calls = new Map<string, number>();
  for (const [query, v] of Object.entries(after)) {
    const moved = v - (before[query] ?? 0);
    if (moved > 0) calls.set(shorten(query), (calls.get(shorten(query)) ?? 0) + moved);
  }
  const top = [...calls].sort((x, y) => y[1] - x[1]).slice(0, n);
  return Object.fromEntries(top.map(([query, v]) => [query, perMessageValue(v, messages)]));
}

/** (after − before) / messages, for every counter that moved; Redis lists its top commands, Postgres its top statements. */
export function perMessage(before: Counters, after: Counters, messages: number): Counters {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]): [string, number] => [k, perMessageValue(v - (a[k] ?? 0), messages)])
        .filter(([, v]) => v >= 0.05), // drops one-off catalog reads and the bench's own queries
    );
  const redis = Object.entries(diff(before.redis, after.redis)).sort((x, y) => y[1] - x[1]).slice(0, 12);
  const statements = before.statements && after.statements ? { statements: topStatements(before.statements, after.statements, messages) } : {};
  return { pg: diff(before.pg, after.pg), redis: Object.fromEntries(redis), ...statements };
}
