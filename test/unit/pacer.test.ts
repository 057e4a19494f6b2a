import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { RedisPacer } from '../../src/queue/pacer.js';
import type { PaceRequest, PostAllowance } from '../../src/core/pacer.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => redis.quit());

/** A pacer on real Redis whose clock the test moves by hand. */
function pacerAt(start = 1_000_000) {
  const clock = { now: start };
  const pacer = new RedisPacer(redis, { prefix: `pc${randomBytes(4).toString('hex')}`, graceMs: 3000, now: () => clock.now });
  return { pacer, clock };
}

/** The ms a lane is told to wait (0: its turn). */
const waitOf = async (pacer: RedisPacer, req: PaceRequest) => (await pacer.turn(req)).waitMs;

interface Post { lane: string; row: number; since: number; at: number }

/**
 * Lanes of rows (each row's enqueue time), played against the pacer the way dispatch does: a lane
 * asks when its head row exists, posts when told 0 and asks again for its next row, and otherwise
 * comes back exactly when told. Returns the posts in the order they were allowed.
 */
async function play(lanes: Record<string, number[]>, allowance: PostAllowance, clock: { now: number }, pacer: RedisPacer): Promise<Post[]> {
  const heads = new Map(Object.keys(lanes).map((l) => [l, 0]));
  const wakeups: { at: number; lane: string; seq: number }[] = Object.entries(lanes).map(([lane, rows], seq) => ({ at: rows[0]!, lane, seq }));
  const posts: Post[] = [];
  let seq = wakeups.length;
  while (wakeups.length) {
    wakeups.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const { at, lane } = wakeups.shift()!;
    clock.now = Math.max(clock.now, at);
    const row = heads.get(lane)!;
    const since = lanes[lane]![row]!;
    const wait = await waitOf(pacer, { allowance, lane, since });
    if (wait > 0) {
      wakeups.push({ at: clock.now + wait, lane, seq: seq++ });
      continue;
    }
    posts.push({ lane, row, since, at: clock.now });
    heads.set(lane, row + 1);
    const next = lanes[lane]![row + 1];
    if (next !== undefined) wakeups.push({ at: Math.max(clock.now, next), lane, seq: seq++ });
  }
  return posts;
}

const ONE_PER_SECOND: PostAllowance = { bucket: 'chan', perSecond: 1, burst: 1 };

describe('RedisPacer', () => {
  it('a burst of 50 from one ticket does not hold back quiet tickets: a quiet message waits one turn at most, one post per second', async () => {
    const { pacer, clock } = pacerAt();
    const t0 = clock.now;
    const lanes: Record<string, number[]> = { chatty: Array.from({ length: 50 }, (_, i) => t0 + i * 10) };
    // Five quiet tickets write once each while the burst drains.
    for (let q = 1; q <= 5; q++) lanes[`quiet${q}`] = [t0 + q * 4000 + 500];
    const posts = await play(lanes, ONE_PER_SECOND, clock, pacer);

    expect(posts).toHaveLength(55);
    // Paced: never two posts within the allowance's second, and the allowance is used (no idle gaps).
    const gaps = posts.slice(1).map((p, i) => p.at - posts[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(posts.at(-1)!.at - posts[0]!.at).toBeLessThanOrEqual(54 * 1000 + 54 * 10);
    // The burst keeps its order.
    expect(posts.filter((p) => p.lane === 'chatty').map((p) => p.row)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Fair: a quiet message waits for the one turn already under way, not for the burst's backlog
    // (oldest first by row alone would make the last one wait for 24 rows).
    for (let q = 1; q <= 5; q++) {
      const sent = lanes[`quiet${q}`]![0]!;
      const mine = posts.findIndex((p) => p.lane === `quiet${q}`);
      expect(posts.slice(0, mine).filter((p) => p.at >= sent).length, `quiet${q}`).toBeLessThanOrEqual(1);
    }
  });

  it('lets a burst go at once up to the bucket, then paces the rest at the rate', async () => {
    const { pacer, clock } = pacerAt();
    const allowance: PostAllowance = { bucket: 'forum', perSecond: 2.5, burst: 5 };
    const t0 = clock.now;
    const lanes = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`t${i}`, [t0 + i]]));
    const posts = await play(lanes, allowance, clock, pacer);
    expect(posts.map((p) => p.lane)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
    expect(posts.filter((p) => p.at <= t0 + 10)).toHaveLength(5);
    // The sixth waits for the sixth token: 400 ms at 2.5 per second.
    expect(posts[5]!.at - t0).toBeGreaterThanOrEqual(400);
    expect(posts[7]!.at - t0).toBeLessThanOrEqual(1300);
  });

  it('a lane that never comes back loses its place after the grace, and gets it back when it returns', async () => {
    const { pacer, clock } = pacerAt();
    const t0 = clock.now;
    expect(await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'first', since: t0 })).toBe(0);
    // The bucket is empty: 'gone' is told to wait, 'later' (enqueued after it) waits behind it.
    const told = await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'gone', since: t0 + 1 });
    expect(told).toBeGreaterThan(0);
    clock.now = t0 + told;
    expect(await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'later', since: t0 + 2 })).toBeGreaterThan(0);
    // 'gone' never asks again (its worker died); past its time and the grace, 'later' goes.
    clock.now = t0 + told + 3001;
    expect(await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'later', since: t0 + 2 })).toBe(0);
    // It returns at its old place: first in line for the next token.
    clock.now += 200;
    const back = await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'gone', since: t0 + 1 });
    expect(await waitOf(pacer, { allowance: ONE_PER_SECOND, lane: 'newcomer', since: t0 + 5000 })).toBeGreaterThan(back);
  });

  it('buckets are independent, and a pacer without Redis lets every post go', async () => {
    const { pacer } = pacerAt();
    expect(await waitOf(pacer, { allowance: { ...ONE_PER_SECOND, bucket: 'a' }, lane: 'x', since: 1 })).toBe(0);
    expect(await waitOf(pacer, { allowance: { ...ONE_PER_SECOND, bucket: 'b' }, lane: 'y', since: 2 })).toBe(0);
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => {});
    const unreachable = new RedisPacer(dead, { prefix: 'none' });
    expect(await waitOf(unreachable, { allowance: ONE_PER_SECOND, lane: 'z', since: 3 })).toBe(0);
    dead.disconnect();
  });

  it('what the platform says about a bucket wins over the declared allowance', async () => {
    const { pacer, clock } = pacerAt();
    // Declared 2.4 a second in bursts of 5; the platform says 2 per 2 s.
    const declared: PostAllowance = { bucket: 'forum', perSecond: 2.4, burst: 5 };
    await pacer.learn('forum', { perSecond: 1, burst: 2 });
    const t0 = clock.now;
    const posts = await play(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`t${i}`, [t0 + i]])), declared, clock, pacer);
    expect(posts.filter((p) => p.at <= t0 + 10)).toHaveLength(2);
    const gaps = posts.slice(2).map((p, i) => p.at - posts[i + 1]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  });

  it('a hold (a 429’s Retry-After, a window used up) makes every lane of the bucket wait until then; then the bucket is full', async () => {
    const { pacer, clock } = pacerAt();
    const allowance: PostAllowance = { bucket: 'forum', perSecond: 2.5, burst: 5 };
    const t0 = clock.now;
    await pacer.learn('forum', { holdUntil: t0 + 2000 });
    const first = await pacer.turn({ allowance, lane: 'a', since: t0 });
    const second = await pacer.turn({ allowance, lane: 'b', since: t0 + 1 });
    // Tokens were there (the bucket starts full), yet no lane goes before the platform's time.
    expect(first).toEqual({ waitMs: 2000, next: true });
    expect(second.waitMs).toBeGreaterThanOrEqual(2000);
    expect(second.next).toBe(false);
    // A shorter hold learned meanwhile does not shorten it.
    await pacer.learn('forum', { holdUntil: t0 + 500 });
    clock.now = t0 + 1999;
    expect(await waitOf(pacer, { allowance, lane: 'a', since: t0 })).toBeGreaterThan(0);
    // At the time the window reopens whole: five go at once.
    clock.now = t0 + 2000;
    for (const lane of ['a', 'b', 'c', 'd', 'e']) expect(await waitOf(pacer, { allowance, lane, since: t0 + 2 }), lane).toBe(0);
    expect(await waitOf(pacer, { allowance, lane: 'f', since: t0 + 3 })).toBe(400);
  });
});
