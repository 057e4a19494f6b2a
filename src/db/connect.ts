import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** Either the pool or a transaction: repositories accept both. */
export type Db = Sql | Tx;

export function connectDatabase(url: string, opts: { max?: number } = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 20,
    onnotice: () => {},
    // bigint ids come back as strings; we keep them as strings end to end (no precision games).
    types: {},
    connection: { application_name: 'ponte' },
  });
}
