import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { claimRow } from '../../src/pipeline/dispatch.js';
import { migrate } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Found by the Postgres-restart fault scenario: a worker whose lane lock died with its
// connection was mid-step while another worker took the lane; both read the same pending reply
// and both sent it. The in-flight mark is the row's claim: only one of them may perform it.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
});
afterAll(async () => db?.drop());

async function pendingRow() {
  const [row] = await db.sql<{ id: string; state: 'pending'; attempts: number }[]>`
    INSERT INTO outbox (lane, kind, payload) VALUES ('t1-customer', 'customer.send', '{}') RETURNING id, state, attempts`;
  return row!;
}

describe('claiming an outbox row before performing it', () => {
  for (const durable of [true, false]) {
    it(`two workers that read the same pending row: exactly one claims it (${durable ? 'customer send' : 'agent post'})`, async () => {
      const row = await pendingRow();
      const claims = await Promise.all([claimRow(db.sql, row, 1, { durable }), claimRow(db.sql, row, 1, { durable })]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const [now] = await db.sql<{ state: string; attempts: number }[]>`SELECT state, attempts FROM outbox WHERE id = ${row.id}`;
      expect(now).toEqual({ state: 'sending', attempts: 1 });
    });
  }

  it('a worker that read the row before it was performed and settled claims nothing', async () => {
    const row = await pendingRow();
    expect(await claimRow(db.sql, row, 1, { durable: true })).toBe(true);
    await db.sql`UPDATE outbox SET state = 'done' WHERE id = ${row.id}`;
    expect(await claimRow(db.sql, row, 1, { durable: true })).toBe(false);
  });

  it('a retry claims the row as it was left (sending, its attempts), once', async () => {
    const row = await pendingRow();
    expect(await claimRow(db.sql, row, 1, { durable: false })).toBe(true);
    const seen = { id: row.id, state: 'sending' as const, attempts: 1 };
    expect(await claimRow(db.sql, seen, 2, { durable: false })).toBe(true);
    expect(await claimRow(db.sql, seen, 2, { durable: false })).toBe(false);
  });

  it('the commit mode of a claim is its own: the connection keeps its setting for what it runs next', async () => {
    const one = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      for (const [session, durable] of [['on', false], ['off', true]] as const) {
        await one.unsafe(`SET synchronous_commit = ${session}`);
        expect(await claimRow(one, await pendingRow(), 1, { durable })).toBe(true);
        const [shown] = await one<{ synchronous_commit: string }[]>`SHOW synchronous_commit`;
        expect(shown!.synchronous_commit).toBe(session);
      }
    } finally {
      await one.end();
    }
  });
});
