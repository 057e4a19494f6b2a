// A scheduled message's firing reads the contact's block and reply window in the statement that
// locks the row (src/timers/scheduled-messages.ts): a contact blocked after the message was
// scheduled gets nothing, and the thread and the row say why; one still in the window gets it.
// Through both agent tools.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver, type ThreadRef } from '../support/agent-driver.js';
import { eventually } from '../support/harness.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';

for (const [name, start, prefix] of [['Slack', startSlackDriver, '55119741'], ['Discord', startDiscordDriver, '55119742']] as const) {
  describe(name, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const maria = () => d.agents[0].id;
    const textsTo = (wa: string) =>
      d.core.graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'text')
        .map((c) => (c.body as { text: { body: string } }).text.body);
    const post = (thread: ThreadRef, starts: string, ms?: number) => eventually(`a post starting ${starts}`, () => d.posts(thread).find((p) => p.text.startsWith(starts))?.text, ms);
    const idIn = (text: string) => /#(\d+)/.exec(text)![1]!;
    const stateOf = async (id: string) => (await d.core.db.sql<{ state: string; failure: string | null }[]>`SELECT state, failure FROM scheduled_messages WHERE id = ${id}`)[0]!;

    it('a contact blocked after the message was scheduled gets nothing; the thread and the row say why', async () => {
      const wa = `${prefix}01`;
      const { thread } = await customerWritesTo(d, wa, 'Caio', 'oi');
      await d.say(thread, maria(), '!schedule in 2s passando pra lembrar');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      await d.core.db.sql`UPDATE contacts SET blocked = true WHERE external_id = ${wa}`;
      const failed = await post(thread, `🕒 Not sent, scheduled message #${id}`, 15_000);
      expect(failed).toContain('the contact is blocked');
      expect(await stateOf(id)).toEqual({ state: 'failed', failure: 'blocked' });
      expect(textsTo(wa)).toEqual([]);
    });

    it('a contact in the reply window gets the text when due', async () => {
      const wa = `${prefix}02`;
      const { thread } = await customerWritesTo(d, wa, 'Lia', 'oi');
      await d.say(thread, maria(), '!schedule in 2s seu pedido saiu');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      await eventually('the WhatsApp send', () => textsTo(wa).find((t) => t.includes('seu pedido saiu')), 15_000);
      expect(await stateOf(id)).toEqual({ state: 'sent', failure: null });
    });
  });
}
