import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { waMessageOfType, waTextMessage } from '../fixtures/meta.js';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { FILE_POLICY } from '../../src/pipeline/retry-policy.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const cardOf = (name: string, timeoutMs = 8000) =>
  eventually(`the card for ${name}`, () => [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes(name))?.ts, timeoutMs);
const acceptedPosts = () => h.slack.callsTo('chat.postMessage').length - (h.slack.rateLimited.get(CHANNEL) ?? 0);

describe('under Slack’s per-channel rate limit', () => {
  it('a busy morning in one channel: every ticket gets its thread and every message shows once, in order; 429s are waited out together', async () => {
    h.slack.limitPerChannel({ perSecond: 5, retryAfter: 1 });
    onTestFinished(() => h.slack.limitPerChannel(null));
    const t0 = Math.floor(Date.now() / 1000);
    const names = Array.from({ length: 21 }, (_, i) => `Cliente ${String(i).padStart(2, '0')}`);
    const phone = (i: number) => `55119777700${String(i).padStart(2, '0')}`;
    const burst = Array.from({ length: 10 }, (_, i) => `rajada ${i + 1}`);
    const before = acceptedPosts();

    // 21 new tickets at once, and one of the customers keeps writing: a burst of 10.
    const first = await Promise.all(names.map((name, i) => h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone(i), name, text: `oi, sou ${name}`, timestamp: t0 }))));
    expect(first.every((r) => r.statusCode === 200)).toBe(true);
    for (const [k, text] of burst.entries()) {
      expect((await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone(0), name: names[0]!, text, timestamp: t0 + 1 + k }))).statusCode).toBe(200);
    }

    const cards = await Promise.all(names.map((name) => cardOf(name, 60_000)));
    const expected = (i: number) => [`oi, sou ${names[i]}`, ...(i === 0 ? burst : [])];
    await eventually('every message in its thread', () => cards.every((ts, i) => h.thread(ts).length >= expected(i).length), 60_000);
    cards.forEach((ts, i) => expect(h.thread(ts), names[i]).toEqual(expected(i)));

    // Nothing was given up on, and no row counted a 429 as a failed attempt.
    const failed = await h.db.sql`SELECT kind, last_error FROM outbox WHERE state = 'failed'`;
    expect(failed).toEqual([]);
    const counted = await h.db.sql`SELECT id FROM outbox WHERE attempts > 1`;
    expect(counted).toEqual([]);

    // Lanes waited for the channel as a whole: far fewer 429s than posts (every lane retrying on
    // its own makes several per post).
    const posts = acceptedPosts() - before;
    const limited = h.slack.rateLimited.get(CHANNEL) ?? 0;
    expect(posts).toBe(21 + 21 + 10);
    expect(limited).toBeLessThan(posts / 2);
  }, 90_000);
});

describe('a post that fails for good is seen by agents', () => {
  it('a customer message Slack refuses leaves a notice in its thread and shows in /ponte status', async () => {
    const phone = '5511977771001';
    const cardTs = await h.customerWrites(phone, 'Gil Recusado', 'primeira');
    h.slack.failNext('chat.postMessage', { error: 'msg_blocks_too_long' });
    await h.postMetaText(phone, 'Gil Recusado', 'esta não entra');
    await h.postMetaText(phone, 'Gil Recusado', 'esta entra');
    const notice = await eventually('the notice in the thread', () => h.thread(cardTs).find((text) => text.includes('msg_blocks_too_long')));
    expect(notice).toContain('could not be shown here');
    await eventually('the next message', () => h.thread(cardTs).includes('esta entra'));
    expect(h.thread(cardTs)).not.toContain('esta não entra');
    expect(await h.slashCommand('status')).toContain('msg_blocks_too_long');
    await h.slashCommand('retry');
  });
});

describe('one bad file never freezes a ticket', () => {
  it('a file whose download keeps failing gets a few tries, then its notice where the file would be, and the conversation moves on in order', async () => {
    const phone = '5511977772001';
    const mediaId = '7000000000009001';
    h.graph.addMedia(mediaId, { bytes: Buffer.alloc(300, 7), mimeType: 'image/jpeg' });
    const isDownload = (c: { method: string; path: string; query: Record<string, string | undefined> }) =>
      c.method === 'GET' && c.path.startsWith('/whatsapp_business/attachments') && c.query.mid === mediaId;
    for (let i = 0; i < 30; i++) h.graph.failNext({ status: 500, error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } }, isDownload);

    const cardTs = await h.customerWrites(phone, 'Hugo Foto', 'vou mandar a foto');
    await h.postMeta(waMessageOfType('image', { id: mediaId, caption: 'a foto' }, { from: phone, name: 'Hugo Foto' }));
    await eventually('the caption line', () => h.thread(cardTs).includes('[image] a foto'));
    await h.postMetaText(phone, 'Hugo Foto', 'depois da foto');

    // The retries are minutes apart by design: bring each one forward instead of waiting.
    await eventually(
      'the file’s notice and the next message',
      async () => {
        await h.db.sql`UPDATE outbox SET next_attempt_at = now() - interval '1 minute' WHERE kind = 'media.mirror' AND state = 'pending'`;
        await h.ponte.sweep();
        return h.thread(cardTs).includes('depois da foto');
      },
      20_000,
    );
    const thread = h.thread(cardTs);
    const notice = thread.findIndex((text) => text.includes('could not be shown here'));
    expect(notice).toBeGreaterThan(thread.indexOf('[image] a foto'));
    expect(thread.indexOf('depois da foto')).toBeGreaterThan(notice);
    expect(thread[notice]).toContain('HTTP 500');
    expect(h.graph.calls.filter(isDownload)).toHaveLength(FILE_POLICY.maxAttempts);
  }, 40_000);
});
