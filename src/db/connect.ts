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
  return sql;
}
