import { afterAll, describe, expect, it } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { startDiscordHarness } from '../support/discord-driver.js';
import { customerWritesTo } from '../support/agent-driver.js';
import type { Sql } from '../../src/db/connect.js';

// Pacing on (the default outside tests): what the platform says about its limit wins over the
// bridge's declared guess (docs/reliability.md, "Pacing").

/** Agent-side posts put back to wait for a rate limit after they met one (a paced wait writes nothing). */
async function deferredPosts(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE kind = 'thread.post' AND next_attempt_at > created_at`;
  return row!.n;
}

const WEBHOOK = 'POST /webhooks/{webhook_id}/{webhook_token}';
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('limits learned from the platform', () => {
  it('Discord: a forum webhook that advertises 2 posts per 3 s (declared: 2.4 a second, bursts of 5) is paced to what it advertises: no 429, no post refused, in order', async () => {
    const { h, discord, driver } = await startDiscordHarness({ PONTE_PACING: 'on' });
    closers.push(() => h.close(), () => discord.close());
    const from = '5511977700001';
    const name = 'Dora Apressada';
    const ticket = await customerWritesTo(driver, from, name, 'oi');
    discord.api.limitRoutes([{ route: WEBHOOK, major: 'webhook_id', limit: 2, windowMs: 3000 }]);
    const texts = Array.from({ length: 6 }, (_, i) => `mensagem ${i + 1}`);
    const t0 = Math.floor(Date.now() / 1000);
    for (const [i, text] of texts.entries()) {
      expect((await driver.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name, text, timestamp: t0 + i }))).statusCode).toBe(200);
    }
    const mine = () => driver.posts(ticket.thread).filter((p) => p.author === name).map((p) => p.text);
    await eventually('every message posted', () => mine().length === 7, 30_000);
    expect(mine()).toEqual(['oi', ...texts]);
    // Discord never answered 429, and discord.js never had to refuse a post into the used-up
    // window (the declared bucket of 5 would have sent the third at once): the lanes waited.
    expect(discord.api.rateLimited.get(WEBHOOK) ?? 0).toBe(0);
    expect(await deferredPosts(h.ponte.sql)).toBe(0);
  }, 60_000);

  it('Slack: one 429 with Retry-After holds every ticket of that channel until then, instead of each finding out', async () => {
    const h: Harness = await startConnectedHarness({ PONTE_PACING: 'on' });
    closers.push(() => h.close());
    const people = [1, 2, 3].map((i) => ({ from: `551197770010${i}`, name: `Pessoa ${i}` }));
    const threads: string[] = [];
    for (const p of people) threads.push(await h.customerWrites(p.from, p.name, `olá ${p.name}`));
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
    const t0 = Math.floor(Date.now() / 1000);
    await Promise.all(people.map(async (p, i) => {
      expect((await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: p.from, name: p.name, text: `pergunta ${i + 1}`, timestamp: t0 + i }))).statusCode).toBe(200);
    }));
    await eventually('every question posted', () => threads.every((ts, i) => h.thread(ts).includes(`pergunta ${i + 1}`)), 30_000);
    // Only the post that met the 429 was put back; the other tickets waited in the pacer's line
    // for the Retry-After (before: each called, found the channel closed, and was put back).
    expect(await deferredPosts(h.ponte.sql)).toBe(1);
  }, 60_000);
});
