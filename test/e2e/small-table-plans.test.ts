import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { findContact, upsertContactOnInbound } from '../../src/contacts/repository.js';
import { runMessages } from '../../src/pipeline/merge.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { planSpy, type PlanSpy } from '../support/plan-spy.js';

// A new install's first busy minutes (found by the bench's counters, issue 14): 500 contacts,
// written since the table was last analyzed. The planner then takes `contacts` for a table of a
// few rows, and `id IN (the candidates)` (or `= ANY`) was answered by reading every contact, at
// each inbound message. The contact lookup must read contacts by index whatever the statistics;
// so must a merged post's read of its messages' links (an EXISTS per message was planned as a
// hash of every link of the platform).
let db: TestDatabase;
let spy: PlanSpy;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
  await db.sql`ANALYZE contacts`;
  await db.sql`INSERT INTO contacts (channel, external_id, phone, name)
               SELECT 'whatsapp', '5511' || lpad(g::text, 9, '0'), '5511' || lpad(g::text, 9, '0'), 'Cliente ' || g FROM generate_series(1, 500) g`;
  await db.sql`INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination)
               SELECT 'whatsapp', '9300001', id, 'slack', 'CSMALL' FROM departments WHERE is_default`;
  await db.sql`INSERT INTO tickets (protocol, contact_id, connection_id, department_id)
               SELECT 'small-1', 1, (SELECT id FROM connections WHERE account_id = '9300001'), id FROM departments WHERE is_default`;
  await db.sql`INSERT INTO messages (ticket_id, direction, body) SELECT (SELECT id FROM tickets WHERE protocol = 'small-1'), 'inbound', 'm' || g FROM generate_series(1, 3000) g`;
  await db.sql`INSERT INTO message_links (message_id, platform, external_id)
               SELECT id, CASE WHEN id % 2 = 0 THEN 'slack' ELSE 'whatsapp' END, 'e' || id FROM messages`;
  spy = planSpy(db.url);
});
afterAll(async () => {
  await spy?.end();
  await db?.drop();
});

/** The relations each statement of `call` reads sequentially, as Postgres would plan them now. */
async function seqScans(call: (sql: postgres.Sql) => Promise<unknown>): Promise<string[]> {
  const seq: string[] = [];
  for (const q of await spy.capture(call)) {
    const rows = await spy.explain<{ 'QUERY PLAN': string }>(db.sql, q, 'TEXT');
    for (const r of rows) for (const m of r['QUERY PLAN'].matchAll(/Seq Scan on (\w+)/g)) seq.push(m[1]!);
  }
  return seq;
}

describe('a new install, contacts written since the last ANALYZE', () => {
  it('finds and upserts a contact by index, not by reading every contact', async () => {
    expect(await seqScans((sql) => upsertContactOnInbound(sql, 'whatsapp', { externalId: '5511000000321', phone: '5511000000321', name: 'Ana' }, new Date().toISOString(), 'wamid.x'))).not.toContain('contacts');
    expect(await seqScans((sql) => upsertContactOnInbound(sql, 'whatsapp', { externalId: 'BR.322', userId: 'BR.322', phone: '5511000000322' }, new Date().toISOString()))).not.toContain('contacts');
    expect(await seqScans((sql) => findContact(sql, 'whatsapp', { externalId: '5511000000123' }))).not.toContain('contacts');
  });

  it('reads a merged run’s messages and their links by index, not every link of the platform', async () => {
    const [m] = await db.sql<{ id: string }[]>`SELECT id::text AS id FROM messages ORDER BY id LIMIT 1`;
    const ids = [m!.id, String(Number(m!.id) + 1), String(Number(m!.id) + 2)];
    expect(await seqScans((sql) => runMessages(sql, ids, 'slack'))).toEqual([]);
    const [sent] = await spy.capture((sql) => runMessages(sql, ids, 'slack'));
    const [plan] = await spy.explain(db.sql, sent!, 'JSON');
    expect(JSON.stringify(plan)).not.toMatch(/"Index Cond":\s*"\(platform = /);
    const linked = await runMessages(db.sql, ids, 'slack');
    expect(linked.map((r) => r.linked)).toEqual(ids.map((id) => Number(id) % 2 === 0));
  });
});
