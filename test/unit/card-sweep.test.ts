// A card update waiting for its time lets the rows after it in its lane go (card-deferral.ts). If
// the wake-up of a row added behind it is lost, the sweeper must still find that row: it looks
// past a waiting card update to the lane's first row that may go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Kicker } from '../../src/queue/queues.js';
import { sweep } from '../../src/pipeline/sweeper.js';
import { migrate } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
});
afterAll(async () => db?.drop());

/** A kicker that notes the lanes it is asked to wake. */
function noting(woken: string[]): Kicker {
  return {
    ingest: async () => {},
    dispatch: async (lanes: string[]) => void woken.push(...lanes),
    dispatchAt: async () => {},
    closeAt: async () => {},
    messageAt: async () => {},
    timersAt: async () => {},
  };
}

describe('the sweeper and a card update waiting for its time', () => {
  it('wakes a lane whose row behind a waiting card update lost its wake-up, and leaves a lane whose only row is that card', async () => {
    const old = new Date(Date.now() - 60_000);
    const later = new Date(Date.now() + 3_600_000);
    const card = (lane: string) => db.sql`INSERT INTO outbox (lane, kind, payload, next_attempt_at, created_at) VALUES (${lane}, 'card.update', ${db.sql.json({ ticketId: '1' })}, ${later}, ${old})`;
    await card('t901-agent');
    await db.sql`INSERT INTO outbox (lane, kind, payload, next_attempt_at, created_at) VALUES ('t901-agent', 'thread.post', ${db.sql.json({ messageId: '1' })}, ${old}, ${old})`;
    await card('t902-agent');
    const woken: string[] = [];
    await sweep(db.sql, noting(woken));
    expect(woken).toEqual(['t901-agent']);
  });
});
