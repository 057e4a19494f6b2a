import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { guardBegin } from '../../src/db/begin-guard.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { drainOrderingKey, type IngestDeps } from '../../src/pipeline/ingest.js';
import { createMetrics } from '../../src/metrics.js';
import { createLogger } from '../../src/logger.js';
import type { CustomerMessageEvent } from '../../src/core/events.js';
import { whatsappCapabilities } from '../../channels/whatsapp/capabilities.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Issue 14, cheaper per message: every statement is work for Postgres to execute and a round trip,
// a wake-up on both sides; half of Postgres's CPU is kernel time on the bench machine
// (docs/performance.md, "Where a message's CPU goes"). This holds the
// ingest of a customer's message on an open ticket to the statements it needs, so that a lookup
// added on the hot path is a decision, not an accident: begin, the conversation's lock and its
// first event, the connection, the contact (with the redelivery check), the ticket, the message
// (with its post and the ticket's clocks), the event's close with the next one, commit.
let db: TestDatabase;
let spy: postgres.Sql;
let seen: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
  spy = postgres(db.url, { max: 2, onnotice: () => {}, types: {}, fetch_types: false, debug: (_c, query) => seen.push(query.replace(/\s+/g, ' ').trim().slice(0, 70)) });
  guardBegin(spy);
});
afterAll(async () => {
  await spy?.end({ timeout: 5 });
  await db?.drop();
});

const deps = (sql: postgres.Sql): IngestDeps => ({
  sql, bridges: new Map(), metrics: createMetrics(), log: createLogger('silent'), locale: 'en',
  capabilitiesOf: (channel) => (channel === 'whatsapp' ? whatsappCapabilities : undefined),
});

let seq = 0;
async function customerWrites(sql: postgres.Sql, text: string): Promise<void> {
  seq += 1;
  const ev: CustomerMessageEvent = {
    type: 'customer.message', channel: 'whatsapp', accountId: '9200001', externalId: `wamid.budget-${seq}`,
    contact: { externalId: '5511900005555', phone: '5511900005555', name: 'Bia' }, occurredAt: new Date().toISOString(), kind: 'text', text,
  };
  const key = 'wa:9200001:5511900005555';
  await db.sql`INSERT INTO inbound_events (source, kind, dedupe_key, ordering_key, state, payload, occurred_at)
               VALUES ('meta', 'customer.message', ${`budget-${seq}`}, ${key}, 'pending', ${db.sql.json(ev as never)}, ${ev.occurredAt})`;
  await drainOrderingKey(deps(sql), key, new Set());
}

describe('statements per mirrored message', () => {
  it('a customer message on an open ticket is ingested in nine statements, and stored once with its post queued', async () => {
    await upsertConnection(db.sql, { channel: 'whatsapp', accountId: '9200001', platform: 'slack', destination: 'CBUDGET', createdBy: 'test' });
    await customerWrites(db.sql, 'oi'); // opens the ticket
    seen = [];
    await customerWrites(spy, 'tudo bem?');
    expect(seen, seen.join('\n')).toHaveLength(9);
    const [row] = await db.sql<{ n: number; posts: number }[]>`
      SELECT (SELECT count(*)::int FROM messages WHERE body = 'tudo bem?') AS n,
             (SELECT count(*)::int FROM outbox WHERE kind = 'thread.post') AS posts`;
    expect(row).toEqual({ n: 1, posts: 2 });
    const [ev] = await db.sql<{ state: string }[]>`SELECT state FROM inbound_events WHERE dedupe_key = ${`budget-${seq}`}`;
    expect(ev!.state).toBe('done');
  });
});
