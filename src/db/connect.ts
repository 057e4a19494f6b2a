import postgres from 'postgres';
import { guardBegin } from './begin-guard.js';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** Either the pool or a transaction: repositories accept both. */
export type Db = Sql | Tx;

export function connectDatabase(url: string, opts: { max?: number } = {}): Sql {
  const sql = postgres(url, {
    max: opts.max ?? 20,
    onnotice: () => {},
    // After a database restart, work waits for a connection no longer than this (seconds). The
    // default backoff grows with the failures the whole pool saw while the server was away, up
    // to 20 s, so a short restart would hold up every lane for that long.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    // bigint ids come back as strings; we keep them as strings end to end (no precision games).
    types: {},
    connection: { application_name: 'ponte' },
  });
  guardBegin(sql);
  fetchArrayTypesOnce(sql);
  return sql;
}

/**
 * postgres.js learns the database's array types (to read and write `text[]`, `bigint[]`…) with a
 * catalog query on every new connection, and drops that query's promise: when the database goes
 * away while it runs (a restart reconnects every connection), its error becomes an unhandled
 * rejection no caller can catch (porsager/postgres#1192, #1223, unfixed in 3.4.9). The types
 * are the pool's (one shared table), so once one connection has learnt them, later connections
 * skip the query: no such rejection on a reconnect, and one round trip fewer per connection.
 */
function fetchArrayTypesOnce(sql: Sql): void {
  const options = sql.options as unknown as { fetch_types: boolean; shared: { typeArrayMap: Record<string, number> } };
  Object.defineProperty(options, 'fetch_types', {
    get: () => Object.keys(options.shared.typeArrayMap).length === 0,
    configurable: true,
  });
}
