import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Sql } from '../../src/db/connect.js';
import { withLaneLock } from '../../src/pipeline/lane-lock.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// A lane's holder keeps a connection for its lock and uses the pool for its work. Found by the
// benchmark (docs/performance.md, "Discord beside Slack"): with as many holders as the pool has
// connections, every connection held a lock waiting for another, and the process stood still.
let db: TestDatabase;
let small: Sql;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  small = connectDatabase(db.url, { max: 4 });
});
afterAll(async () => {
  await small?.end({ timeout: 1 });
  await db?.drop();
});

describe('lane locks and the connection pool', () => {
  it('more lanes at once than the pool has connections all finish: holders never fill the pool', async () => {
    const done: string[] = [];
    const lanes = Array.from({ length: 12 }, (_, i) => `t${i}-agent`);
    const all = Promise.all(
      lanes.map((lane) =>
        withLaneLock(small, lane, async () => {
          await small`SELECT pg_sleep(0.02)`;
          await small`SELECT 1`;
          done.push(lane);
        }),
      ),
    );
    const stuck = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 10_000).unref());
    expect(await Promise.race([all.then(() => 'finished' as const), stuck])).toBe('finished');
    expect(done.sort()).toEqual([...lanes].sort());
  });

  it('still gives a lane to one holder at a time', async () => {
    let inside = 0;
    let most = 0;
    const ran = await Promise.all(
      Array.from({ length: 3 }, () =>
        withLaneLock(small, 'same-lane', async () => {
          most = Math.max(most, ++inside);
          await small`SELECT pg_sleep(0.05)`;
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(ran.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});
