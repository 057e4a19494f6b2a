import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { eventually } from '../support/harness.js';

// The dispatch lock's namespace (src/pipeline/lane-lock.ts): a session lock on it holds a lane
// the way a busy worker would, so rows pile up behind it.
const DISPATCH_LOCK = 727_003;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: card updates coalesced`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    it('five card updates queued behind a busy lane reach the platform as one, showing the latest state', async () => {
      const ticket = await customerWritesTo(d, name === 'Slack' ? '5511977700001' : '5511977700002', 'Cora Cartão', 'oi');
      const lane = `t${ticket.id}-agent`;
      const open = async () => Number((await d.core.db.sql<{ n: string }[]>`
        SELECT count(*) AS n FROM outbox WHERE lane = ${lane} AND state IN ('pending', 'sending')`)[0]!.n);
      await eventually('the lane idle', async () => (await open()) === 0);
      const before = d.cardUpdates(ticket);

      const holder = await d.core.db.sql.reserve();
      try {
        await holder`SELECT pg_advisory_lock(${DISPATCH_LOCK}, hashtext(${lane}))`;
        const tags = ['um', 'dois', 'tres', 'quatro', 'cinco'];
        for (const tag of tags) await d.say(ticket.thread, d.agents[0]!.id, `!tag ${tag}`);
        await eventually('five card updates waiting in the lane', async () => {
          const [row] = await d.core.db.sql<{ n: string }[]>`
            SELECT count(*) AS n FROM outbox WHERE lane = ${lane} AND kind = 'card.update' AND state = 'pending'`;
          return Number(row!.n) === 5;
        }, 15_000);
      } finally {
        await holder`SELECT pg_advisory_unlock(${DISPATCH_LOCK}, hashtext(${lane}))`;
        holder.release();
      }
      await d.core.sweep();
      await eventually('the lane drained', async () => (await open()) === 0, 20_000);

      const card = d.card(ticket);
      for (const tag of ['um', 'dois', 'tres', 'quatro', 'cinco']) expect(card.text).toContain(tag);
      expect(d.cardUpdates(ticket) - before).toBe(1);
    }, 60_000);
  });
}
