import postgres from 'postgres';

/** A statement as a function sent it, with its parameters. */
export interface Captured {
  query: string;
  params: unknown[];
}

/**
 * A client that records each statement it sends (postgres.js's debug hook), so that a test can
 * run the real function as Ponte runs it and explain what it sent, with its own parameters.
 */
export function planSpy(url: string) {
  let captured: Captured[] = [];
  const sql = postgres(url, { max: 1, onnotice: () => {}, debug: (_c, query, params) => captured.push({ query, params: params as unknown[] }) });
  return {
    /** Runs `call` against the spy; the statements it sent, in order. */
    async capture(call: (sql: postgres.Sql) => Promise<unknown>): Promise<Captured[]> {
      captured = [];
      await call(sql);
      return captured;
    },
    /** EXPLAIN of one captured statement, on `db`, with its parameters. */
    explain<Row extends Record<string, unknown>>(db: postgres.Sql, q: Captured, format: 'JSON' | 'TEXT'): Promise<Row[]> {
      return db.unsafe<Row[]>(`EXPLAIN (FORMAT ${format}) ${q.query}`, q.params as never[]);
    },
    end: () => sql.end({ timeout: 5 }),
  };
}

export type PlanSpy = ReturnType<typeof planSpy>;
