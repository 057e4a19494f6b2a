import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

describe('under WhatsApp’s per-number throughput', () => {
  it('agents answering many tickets at once: the number refuses sends past its limit (130429), and every reply still reaches its customer once, in order', async () => {
    const customers = Array.from({ length: 6 }, (_, i) => ({ from: `55119555000${i}`, name: `Vazão ${i}` }));
    const cards = await Promise.all(customers.map((c) => h.customerWrites(c.from, c.name, 'oi')));
    // Meta's figure is 80 a second; 2 makes a dozen replies meet it.
    h.graph.limitPerNumber(2);
    onTestFinished(() => h.graph.limitPerNumber(null));

    const replies = (i: number) => [`resposta ${i}.1`, `resposta ${i}.2`];
    await Promise.all(cards.map(async (threadTs, i) => {
      for (const text of replies(i)) expect((await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text, threadTs })).statusCode).toBe(200);
    }));

    const got = (i: number) => h.textsSentTo(customers[i]!.from).filter((t) => t.includes('resposta'));
    await eventually('every reply delivered', () => customers.every((_, i) => got(i).length >= 2), 60_000);
    customers.forEach((_, i) => {
      expect(got(i), customers[i]!.name).toHaveLength(2);
      expect(got(i)[0]).toContain(replies(i)[0]);
      expect(got(i)[1]).toContain(replies(i)[1]);
    });
    expect(h.graph.throughputRefused.get(PHONE_ID) ?? 0).toBeGreaterThan(0);
    const refused = h.graph.sends().filter((c) => c.limited);
    expect(refused.length).toBe(h.graph.throughputRefused.get(PHONE_ID));
    // A throughput refusal delays, never fails.
    expect(await h.db.sql`SELECT kind, last_error FROM outbox WHERE state IN ('failed', 'uncertain')`).toEqual([]);
  }, 90_000);
});
