// Card updates are paced by the allowance their bridge declares for them (Slack: chat.update's
// Tier 3, 50 in any 60 s for the workspace), for the ticket's current thread; with no thread yet,
// nothing would be updated, so nothing is paced.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import type { AgentBridge } from '../../src/core/ports.js';
import { UNPACED } from '../../src/core/pacer.js';
import { RedisPacer } from '../../src/queue/pacer.js';
import { paceWait } from '../../src/pipeline/pacing.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { upsertContactOnInbound } from '../../src/contacts/repository.js';
import { openTicket } from '../../src/tickets/repository.js';
import { migrate } from '../../src/db/migrate.js';
import { updateAllowance } from '../../bridges/slack/rate-buckets.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let redis: Redis;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis?.quit();
  await db?.drop();
});

async function ticketOn(accountId: string, phone: string) {
  const { connection } = await upsertConnection(db.sql, { channel: 'whatsapp', accountId, platform: 'slack', destination: 'CCONN', createdBy: 'test' });
  const [dflt] = await db.sql<{ id: string }[]>`SELECT id FROM departments ORDER BY id LIMIT 1`;
  const contact = await upsertContactOnInbound(db.sql, 'whatsapp', { externalId: phone, phone }, new Date().toISOString());
  return (await openTicket(db.sql, { contactId: contact.id, connectionId: connection.id, departmentId: dflt!.id })).ticket;
}

describe('paceWait: card updates', () => {
  it('asks the bridge’s card allowance for the channel of the ticket’s current thread, and nothing while it has none', async () => {
    const ticket = await ticketOn('9200001', '5511900005555');
    const asked: string[] = [];
    const bridge = { cardAllowance: (destination: string) => (asked.push(destination), updateAllowance()), postAllowance: () => undefined } as unknown as AgentBridge;
    const deps = { sql: db.sql, bridges: new Map([['slack' as const, bridge]]), pacer: UNPACED };
    const row = { lane: `t${ticket.id}-agent`, kind: 'card.update' as const, created_at: new Date(), payload: { ticketId: ticket.id } };
    await paceWait(deps, row);
    expect(asked).toEqual([]);
    await db.sql`INSERT INTO thread_links (ticket_id, platform, container_id, thread_id) VALUES (${ticket.id}, 'slack', 'CTHREADS', '1700000000.000100')`;
    await paceWait(deps, row);
    expect(asked).toEqual(['CTHREADS']);
  });

  it('Slack’s declared card allowance, played against a storm of 120 card updates, never lets more than 50 go in any 60 s', async () => {
    const clock = { now: 1_000_000 };
    const pacer = new RedisPacer(redis, { prefix: `cp${randomBytes(4).toString('hex')}`, graceMs: 3000, now: () => clock.now });
    const allowance = updateAllowance();
    // Every lane asks at once; a lane told to wait comes back exactly when told (the dispatcher's wake-up).
    let waiting = Array.from({ length: 120 }, (_, i) => ({ lane: `t${i}-agent`, at: clock.now }));
    const went: number[] = [];
    while (waiting.length) {
      waiting.sort((a, b) => a.at - b.at);
      const next = waiting.shift()!;
      clock.now = Math.max(clock.now, next.at);
      const { waitMs } = await pacer.turn({ allowance, lane: next.lane, since: 1_000_000 });
      if (waitMs === 0) went.push(clock.now);
      else waiting = [...waiting, { lane: next.lane, at: clock.now + waitMs }];
    }
    const most = Math.max(...went.map((at) => went.filter((t) => t >= at && t < at + 60_000).length));
    expect(went).toHaveLength(120);
    expect(most).toBeLessThanOrEqual(50);
    // And it uses most of what Slack allows: the first 10 at once, then about 39 a minute.
    expect(most).toBeGreaterThanOrEqual(45);
  });
});
