import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { claimRow } from '../../src/pipeline/dispatch.js';
import { loadMessageContext } from '../../src/messages/context.js';
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
    expect(await claimRow(db.sql, row, 1, { durable: true })).toBeDefined();
    await db.sql`UPDATE outbox SET state = 'done' WHERE id = ${row.id}`;
    expect(await claimRow(db.sql, row, 1, { durable: true })).toBeUndefined();
  });

  it('a retry claims the row as it was left (sending, its attempts), once', async () => {
    const row = await pendingRow();
    expect(await claimRow(db.sql, row, 1, { durable: false })).toBeDefined();
    const seen = { id: row.id, state: 'sending' as const, attempts: 1 };
    expect(await claimRow(db.sql, seen, 2, { durable: false })).toBeDefined();
    expect(await claimRow(db.sql, seen, 2, { durable: false })).toBeUndefined();
  });

  it('the commit mode of a claim is its own: the connection keeps its setting for what it runs next', async () => {
    const one = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      for (const [session, durable] of [['on', false], ['off', true]] as const) {
        await one.unsafe(`SET synchronous_commit = ${session}`);
        expect(await claimRow(one, await pendingRow(), 1, { durable })).toBeDefined();
        const [shown] = await one<{ synchronous_commit: string }[]>`SHOW synchronous_commit`;
        expect(shown!.synchronous_commit).toBe(session);
      }
    } finally {
      await one.end();
    }
  });

  it('a claim with a message id brings the message context as it would be read after it, and nothing when not claimed', async () => {
    const [dept] = await db.sql<{ id: string }[]>`INSERT INTO departments (name, is_default) VALUES ('Claims', false) RETURNING id`;
    const [conn] = await db.sql<{ id: string }[]>`
      INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination)
      VALUES ('whatsapp', 'claim-pn', ${dept!.id}, 'slack', 'C1') RETURNING id`;
    const [contact] = await db.sql<{ id: string }[]>`
      INSERT INTO contacts (channel, external_id, name, phone) VALUES ('whatsapp', '5511900001111', 'Ana', '5511900001111') RETURNING id`;
    const [ticket] = await db.sql<{ id: string }[]>`
      INSERT INTO tickets (protocol, contact_id, connection_id, department_id) VALUES ('claim-1', ${contact!.id}, ${conn!.id}, ${dept!.id}) RETURNING id`;
    await db.sql`INSERT INTO thread_links (ticket_id, platform, container_id, thread_id) VALUES (${ticket!.id}, 'slack', 'C1', '1700.1')`;
    const [message] = await db.sql<{ id: string }[]>`
      INSERT INTO messages (ticket_id, direction, body, kind) VALUES (${ticket!.id}, 'inbound', 'olá', 'text') RETURNING id`;
    const [row] = await db.sql<{ id: string; state: 'pending'; attempts: number }[]>`
      INSERT INTO outbox (lane, kind, payload) VALUES (${`t${ticket!.id}-agent`}, 'thread.post', ${db.sql.json({ messageId: message!.id })}) RETURNING id, state, attempts`;
    const claim = await claimRow(db.sql, row!, 1, { durable: false, messageId: message!.id });
    expect(claim?.context).toEqual(await loadMessageContext(db.sql, message!.id));
    expect(claim?.context).toMatchObject({ body: 'olá', contactName: 'Ana', thread: { containerId: 'C1', threadId: '1700.1' } });
    expect(await claimRow(db.sql, row!, 1, { durable: false, messageId: message!.id })).toBeUndefined();
  });
});
