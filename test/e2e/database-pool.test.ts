// PONTE_DATABASE_POOL sets the Postgres connections per process (docs/performance.md: a smaller
// pool costs Postgres less per message on a small machine; a lane being drained holds one
// connection and works on another, so lanes drain at most half the pool at once). The least that
// works, 2, still carries a conversation both ways: one lane at a time, never stuck.
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('PONTE_DATABASE_POOL', () => {
  it('is the size of the process’s Postgres pool (20 unless set)', async () => {
    h = await startConnectedHarness();
    expect(Number(h.ponte.sql.options.max)).toBe(20);
    await h.close();
    h = await startConnectedHarness({ PONTE_DATABASE_POOL: '6' });
    expect(Number(h.ponte.sql.options.max)).toBe(6);
  });

  it('at its least, 2, several customers’ messages all reach their threads, in order', async () => {
    h = await startConnectedHarness({ PONTE_DATABASE_POOL: '2' });
    const harness = h;
    const phones = ['5511977700401', '5511977700402', '5511977700403'];
    const cards = await Promise.all(phones.map((phone, i) => harness.customerWrites(phone, `Cliente ${i}`, `oi ${i}`)));
    for (const [i, phone] of phones.entries()) {
      for (const n of [1, 2]) expect((await harness.postMetaText(phone, `Cliente ${i}`, `mensagem ${i}.${n}`)).statusCode).toBe(200);
    }
    for (const [i, cardTs] of cards.entries()) {
      const lines = await eventually(`customer ${i}'s messages in their thread`, () => {
        const t = harness.thread(cardTs).filter((line) => line.includes(`mensagem ${i}.`));
        return t.length === 2 ? t : undefined;
      });
      expect(lines.map((l) => l.match(/mensagem \d\.\d/)?.[0])).toEqual([`mensagem ${i}.1`, `mensagem ${i}.2`]);
    }
    await harness.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'olá!', threadTs: cards[0]! });
    await eventually('the agent’s reply sent to WhatsApp', () => harness.textsSentTo(phones[0]!).some((t) => t.includes('olá!')));
  });
});
