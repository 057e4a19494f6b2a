import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { findContact, upsertContactOnInbound } from '../../src/contacts/repository.js';
import { findMessageByLink, isLinked } from '../../src/messages/repository.js';
import { findActiveTicket, findTicketByThread } from '../../src/tickets/repository.js';
import { findTicketPage, type TicketQuery } from '../../src/tickets/finder.js';
import { DUE_TIMERS } from '../../src/timers/due.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { planSpy, type PlanSpy } from '../support/plan-spy.js';

// A big install (issue 14): 100,000 contacts and tickets, a million messages and their links. The
// hot queries must stay index-backed: routing an inbound message, finding a ticket's thread,
// `/ponte tickets` and search, the inbox and outbox heads, and the sweeper's timer windows. Each
// query is captured as Ponte runs it (the real function, through postgres.js's debug hook) and
// explained with its own parameters; no plan may read these tables sequentially.
const TICKETS = 100_000;
const MESSAGES = 1_000_000;
const BIG = ['tickets', 'contacts', 'messages', 'message_links', 'thread_links', 'inbound_events', 'outbox', 'scheduled_messages'];

let db: TestDatabase;
let spy: PlanSpy;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
  const s = db.sql;
  const t0 = Date.now();
  // Foreign keys cost a check per seeded row and play no part in these plans: this throwaway
  // database goes without them. One statement per table, generated in the database.
  await s`DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint WHERE contype = 'f' LOOP
              EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
            END LOOP; END $$`;
  await s`INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination)
          SELECT 'whatsapp', '10654035224292' || g, (SELECT id FROM departments WHERE is_default), 'slack', 'CSUPPORT' || g FROM generate_series(1, 3) g`;
  await s`INSERT INTO agents (platform, platform_user_id, display_name) SELECT 'slack', 'UAGENT' || g, 'Agent ' || g FROM generate_series(1, 20) g`;
  await s`INSERT INTO contacts (channel, external_id, phone, name, user_id, username, last_inbound_at)
          SELECT 'whatsapp', '5511' || lpad(g::text, 9, '0'), '5511' || lpad(g::text, 9, '0'), 'Cliente ' || substr(md5(g::text), 1, 10),
                 CASE WHEN g % 2 = 0 THEN 'BR.' || g END, CASE WHEN g % 5 = 0 THEN 'user' || g END, now() - g * interval '1 minute'
          FROM generate_series(1, ${TICKETS}) g`;
  // 2% active, the newest ones (half of them waiting, half with an agent); the rest resolved.
  await s`INSERT INTO tickets (protocol, contact_id, connection_id, department_id, status, assignee_id, opened_at, last_message_at, resolved_at, scheduled_close_at)
          SELECT '2026' || lpad(g::text, 8, '0'), g, 1 + g % 3, (SELECT id FROM departments WHERE is_default),
                 CASE WHEN g <= 1000 THEN 'pending' WHEN g <= 2000 THEN 'open' ELSE 'resolved' END,
                 CASE WHEN g > 1000 THEN 1 + g % 20 END,
                 now() - g * interval '1 minute', now() - g * interval '1 minute' + interval '5 minutes',
                 CASE WHEN g > 2000 THEN now() - g * interval '1 minute' + interval '1 hour' END,
                 CASE WHEN g <= 2000 AND g % 10 = 0 THEN now() + g * interval '1 minute' END
          FROM generate_series(1, ${TICKETS}) g`;
  await s`INSERT INTO thread_links (ticket_id, platform, container_id, thread_id)
          SELECT g, 'slack', 'CSUPPORT' || (1 + g % 3), '1700000000.' || lpad(g::text, 6, '0') FROM generate_series(1, ${TICKETS}) g`;
  await s`INSERT INTO messages (ticket_id, direction, body, occurred_at)
          SELECT 1 + g % ${TICKETS}, CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'mensagem ' || g, now() - g * interval '1 second'
          FROM generate_series(1, ${MESSAGES}) g`;
  await s`INSERT INTO message_links (message_id, platform, external_id) SELECT g, 'whatsapp', 'wamid.' || g FROM generate_series(1, ${MESSAGES}) g`;
  await s`INSERT INTO inbound_events (source, kind, dedupe_key, ordering_key, state)
          SELECT 'meta', 'message', 'wa:m:wamid.' || g, 'wa:1:5511' || lpad((1 + g % ${TICKETS})::text, 9, '0'),
                 CASE WHEN g % 10000 = 0 THEN 'pending' ELSE 'done' END FROM generate_series(1, 300000) g`;
  await s`INSERT INTO outbox (lane, kind, payload, state)
          SELECT 't' || (1 + g % ${TICKETS}) || '-agent', 'thread.post', '{}', CASE WHEN g % 10000 = 0 THEN 'pending' ELSE 'done' END
          FROM generate_series(1, 300000) g`;
  await s`INSERT INTO scheduled_messages (ticket_id, contact_id, connection_id, author_agent_id, body, send_at, state)
          SELECT g, g, 1 + g % 3, 1, 'lembrete', now() + (g - 25000) * interval '1 second', CASE WHEN g % 50 = 0 THEN 'pending' ELSE 'sent' END
          FROM generate_series(1, 50000) g`;
  await s`ANALYZE`;
  console.log(`seeded in ${Date.now() - t0} ms`);
  spy = planSpy(db.url);
}, 120_000);
afterAll(async () => {
  await spy?.end();
  await db?.drop();
});

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] }
const walk = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(walk)];

/** Runs `call` against the spy, then explains each query it sent, with its parameters. */
async function plansOf(call: (sql: postgres.Sql) => Promise<unknown>): Promise<PlanNode[][]> {
  const plans: PlanNode[][] = [];
  for (const q of await spy.capture(call)) {
    const [row] = await spy.explain<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(db.sql, q, 'JSON');
    plans.push(walk(row!['QUERY PLAN'][0].Plan));
  }
  expect(plans.length).toBeGreaterThan(0);
  return plans;
}

/** The tables a plan reads sequentially (among the big ones), and the indexes it uses. */
async function scans(call: (sql: postgres.Sql) => Promise<unknown>): Promise<{ seq: string[]; indexes: string[]; plan: string }> {
  const nodes = (await plansOf(call)).flat();
  return {
    plan: nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`).join(' / '),
    seq: nodes.filter((n) => n['Node Type'] === 'Seq Scan' && BIG.includes(n['Relation Name'] ?? '')).map((n) => n['Relation Name']!),
    indexes: nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])),
  };
}

const page = (q: Partial<TicketQuery>) => (sql: postgres.Sql) =>
  findTicketPage(sql, { scope: 'pending', platform: 'slack', userId: 'UAGENT3', sort: 'latest', limit: 20, ...q });

describe('a big install: 100,000 tickets and a million messages', () => {
  it('routes an inbound message through indexes (contact, active ticket, message link)', async () => {
    expect((await scans((sql) => upsertContactOnInbound(sql, 'whatsapp', { externalId: '5511000054321', phone: '5511000054321', name: 'Ana' }, new Date().toISOString()))).seq).toEqual([]);
    expect((await scans((sql) => upsertContactOnInbound(sql, 'whatsapp', { externalId: 'BR.54322', userId: 'BR.54322', phone: '5511000054322' }, new Date().toISOString()))).seq).toEqual([]);
    expect((await scans((sql) => findContact(sql, 'whatsapp', { externalId: '5511000012345', userId: 'BR.12346' }))).seq).toEqual([]);
    expect((await scans((sql) => findActiveTicket(sql, '12300', '1'))).seq).toEqual([]);
    expect((await scans((sql) => isLinked(sql, 'whatsapp', 'wamid.777777'))).seq).toEqual([]);
    expect((await scans((sql) => findMessageByLink(sql, 'whatsapp', 'wamid.777777'))).seq).toEqual([]);
  });

  it("finds a ticket by its thread", async () => {
    expect((await scans((sql) => findTicketByThread(sql, 'slack', 'CSUPPORT2', '1700000000.054321'))).seq).toEqual([]);
  });

  it('lists /ponte tickets views through indexes', async () => {
    for (const q of [{}, { scope: 'mine' }, { scope: 'inbox' }, { scope: 'active', sort: 'oldest' }, { scope: 'open', departmentId: '1' }] as Partial<TicketQuery>[]) {
      const found = await scans(page(q));
      expect({ q, seq: found.seq, plan: found.plan }).toEqual({ q, seq: [], plan: found.plan });
    }
  });

  it('searches by name, username, phone digits and protocol through indexes', async () => {
    for (const text of ['Cliente 3f2a', 'user4005', '54321', '202600012345', 'BR.1234']) {
      const found = await scans(page({ scope: 'all', text }));
      expect({ text, seq: found.seq, plan: found.plan }).toEqual({ text, seq: [], plan: found.plan });
    }
  });

  it('takes the inbox and outbox heads through their partial indexes', async () => {
    const ingestHead = (sql: postgres.Sql) => sql`
      SELECT id, kind, payload, attempts FROM inbound_events
      WHERE ordering_key = ${'wa:1:5511000010000'} AND state = 'pending' ORDER BY occurred_at, id LIMIT 1`;
    const laneHead = (sql: postgres.Sql) => sql`
      SELECT id, lane, kind, payload, state, attempts, next_attempt_at FROM outbox
      WHERE lane = ${'t10001-agent'} AND state IN ('pending', 'sending') ORDER BY id LIMIT 1`;
    expect(await scans(ingestHead)).toMatchObject({ seq: [], indexes: ['inbound_events_pending'] });
    expect(await scans(laneHead)).toMatchObject({ seq: [], indexes: ['outbox_lane_open'] });
  });

  it("reads only the timers due in the sweeper's window", async () => {
    expect(await scans((sql) => DUE_TIMERS.close(sql, 20_000))).toMatchObject({ seq: [], indexes: ['tickets_scheduled_close'] });
    expect(await scans((sql) => DUE_TIMERS.message(sql, 20_000))).toMatchObject({ seq: [], indexes: ['scheduled_messages_due'] });
    expect(await scans((sql) => DUE_TIMERS.inactivity(sql, 20_000))).toMatchObject({ seq: [], indexes: ['tickets_inactivity_at', 'tickets_window_close_at'] });
    expect(await scans((sql) => DUE_TIMERS.menu(sql, 20_000))).toMatchObject({ seq: [], indexes: ['tickets_menu_until'] });
  });
});
