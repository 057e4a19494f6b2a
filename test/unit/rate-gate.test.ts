import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { RedisRateGate } from '../../src/queue/rate-gate.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { DeliveryError } from '../../src/core/errors.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { eventually } from '../support/harness.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => redis.quit());

const newGate = (o: { spacingMs?: number; hotMs?: number } = {}) => new RedisRateGate(redis, { prefix: `gt${randomBytes(4).toString('hex')}`, ...o });

describe('RedisRateGate', () => {
  it('lets calls through a bucket nobody closed', async () => {
    const gate = newGate();
    expect(await gate.wait('a')).toBe(0);
    expect(await gate.wait('a')).toBe(0);
  });

  it('holds a closed bucket for everyone, staggering the waiters, and leaves other buckets alone', async () => {
    const gate = newGate({ spacingMs: 250 });
    await gate.close('chan-1', 10_000);
    const first = await gate.wait('chan-1');
    const second = await gate.wait('chan-1');
    const third = await gate.wait('chan-1');
    expect(first).toBeGreaterThan(9_000);
    expect(first).toBeLessThanOrEqual(10_000);
    expect(second - first).toBeGreaterThan(150);
    expect(third - second).toBeGreaterThan(150);
    expect(await gate.wait('chan-2')).toBe(0);
  });

  it('keeps a longer closing when a shorter one comes later', async () => {
    const gate = newGate();
    await gate.close('b', 10_000);
    await gate.close('b', 100);
    expect(await gate.wait('b')).toBeGreaterThan(9_000);
  });

  it('stays hot at least as long as it stays closed: a shorter closing after a longer one does not cool it early', async () => {
    // A bucket that is not hot is let through without reading the closing (one read per call).
    const gate = newGate({ hotMs: 50 });
    await gate.close('b', 10_000);
    await gate.close('b', 10);
    const base = `${(gate as unknown as { opts: { prefix: string } }).opts.prefix}:gate:b`;
    expect(await redis.pttl(`${base}:hot`)).toBeGreaterThanOrEqual((await redis.pttl(base)) - 5);
    expect(await redis.pttl(`${base}:hot`)).toBeGreaterThan(9_000);
  });

  it('after it opens again, lets callers of a busy bucket through one at a time, then none are held once it cools', async () => {
    const gate = newGate({ spacingMs: 1_000, hotMs: 300 });
    await gate.close('b', 50);
    await eventually('the bucket open again', async () => (await gate.wait('b')) === 0);
    // That caller took the turn: the next one waits its spacing.
    expect(await gate.wait('b')).toBeGreaterThan(500);
    await redis.del(`${(gate as unknown as { opts: { prefix: string } }).opts.prefix}:gate:b`);
    await eventually('the bucket cooled', async () => (await gate.wait('b')) === 0 && (await gate.wait('b')) === 0);
  });

  it('opens when Redis does not answer: one more 429 at worst, never a stuck worker', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => 50 });
    down.on('error', () => {});
    const gate = new RedisRateGate(down, { prefix: 'gone' });
    await gate.close('b', 10_000);
    expect(await gate.wait('b')).toBe(0);
    down.disconnect();
  });
});

describe('the Slack bridge behind the gate', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ token: 'xoxb-gate' });
  });
  afterAll(async () => slack.close());

  it('closes a channel’s bucket on a 429, and then answers rate_limited without calling Slack until it opens', async () => {
    const gate = newGate();
    const bridge = new SlackBridge({ token: 'xoxb-gate', apiUrl: slack.url, gate });
    const thread = { containerId: 'C0GATE1', threadId: '1700000000.000100' };
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    await expect(bridge.post({ thread, text: 'one', style: 'notice' })).rejects.toMatchObject({ errorClass: 'rate_limited', retryAfterSeconds: 30 });
    const calls = slack.callsTo('chat.postMessage').length;

    const err = (await bridge.post({ thread, text: 'two', style: 'notice' }).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.errorClass).toBe('rate_limited');
    expect(err.retryAfterSeconds).toBeGreaterThan(25);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(calls);

    // Another channel is another bucket.
    await bridge.post({ thread: { ...thread, containerId: 'C0GATE2' }, text: 'three', style: 'notice' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(calls + 1);
  });
});
