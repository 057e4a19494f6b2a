import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

// Pacing on (the default outside tests), against Slack's real per-channel limit: one post a second.
let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness({ PONTE_PACING: 'on' });
});
afterAll(async () => h?.close());

const cardOf = (name: string) =>
  eventually(`the card for ${name}`, () => [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes(name))?.ts, 20_000);

describe('posts paced to the channel’s allowance', () => {
  it('a chatty customer’s burst and a quiet customer share one channel at one post a second: no 429, the burst in order, the quiet message not stuck behind the burst', async () => {
    const chatty = { from: '5511966600001', name: 'Carla Falante' };
    const quiet = { from: '5511966600002', name: 'Quim Calado' };
    const chattyTs = await h.customerWrites(chatty.from, chatty.name, 'oi');
    const quietTs = await h.customerWrites(quiet.from, quiet.name, 'olá');
    await cardOf(quiet.name);
    h.slack.limitPerChannel({ perSecond: 1, retryAfter: 1 });
    const t0 = Math.floor(Date.now() / 1000);
    const burst = Array.from({ length: 8 }, (_, i) => `rajada ${i + 1}`);
    for (const [i, text] of burst.entries()) {
      expect((await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: chatty.from, name: chatty.name, text, timestamp: t0 + i }))).statusCode).toBe(200);
    }
    await eventually('the burst has begun', () => h.thread(chattyTs).includes('rajada 1'), 10_000);
    expect((await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: quiet.from, name: quiet.name, text: 'uma pergunta', timestamp: t0 + 20 }))).statusCode).toBe(200);

    await eventually('every message shown', () => h.thread(chattyTs).length === 9 && h.thread(quietTs).length === 2, 30_000);
    expect(h.thread(chattyTs)).toEqual(['oi', ...burst]);
    // Slack (almost) never had to refuse a post: the lanes waited for their turn instead. One
    // refusal is tolerated, for a post slowed on its way on a busy machine; lanes retrying on
    // their own (PONTE_PACING=off) meet about one per post.
    expect(h.slack.rateLimited.get(CHANNEL) ?? 0).toBeLessThanOrEqual(1);
    // The quiet ticket's message took its turn among the burst's posts (busy tickets take turns).
    const posted = h.slack.callsTo('chat.postMessage').filter((c) => !c.limited).map((c) => String(c.params.text));
    expect(posted.indexOf('uma pergunta')).toBeLessThan(posted.indexOf('rajada 8'));
  }, 60_000);
});
