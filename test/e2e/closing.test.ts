// Closing well (issue 13), through both agent-side bridges: what resolving asks for (a
// department's close reason, a required contact field) refuses in words until given; the
// satisfaction survey reaches a WhatsApp customer as an interactive list; their "5" (tapped or
// typed) is recorded on the resolved ticket, shown in its thread and on its card, and opens no
// new ticket; `/ponte report csat` counts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/admin/commands.js';
import { plain } from '../../src/core/rich-text.js';
import type { AgentPlatform } from '../../src/core/events.js';
import { waMessageOfType, waTextMessage } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver, type TicketRef } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

let phones = 0;
const nextPhone = () => `55119${String(7_700_000 + (phones += 1)).padStart(7, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: closing a ticket well`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    }, 60_000);
    afterAll(async () => d?.close());

    const platform = (): AgentPlatform => (name === 'Slack' ? 'slack' : 'discord');
    /** An admin's `/ponte …`, through the core's platform-neutral command (as both bridges call it). */
    const admin = async (text: string) => {
      const tokens = text.split(/\s+/).map((value) => ({ type: 'word' as const, value }));
      const answer = await runCommand({ sql: d.core.db.sql, envAdmins: [`${platform()}:${d.admin}`] }, { platform: platform(), userId: d.admin, channelId: d.home, locale: 'en', text }, tokens);
      return plain(answer);
    };
    const texts = (t: TicketRef) => d.posts(t.thread).map((p) => p.text);
    const ticketsOf = async (phone: string) =>
      d.core.db.sql<{ id: string; status: string; csat: number | null; close_reason: string | null }[]>`
        SELECT t.id, t.status, t.csat, t.close_reason FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} ORDER BY t.id`;
    const sentTo = (to: string) => d.core.graph.sends().map((c) => c.body as Record<string, unknown> & { to?: string; type?: string }).filter((b) => b.to === to);

    it('refuses to resolve until the reason and the required field are given, then shows the reason on the card', async () => {
      const maria = d.agents[0];
      expect(await admin('close field plan required')).toContain('required at close');
      expect(await admin('close reason add Billing question')).toContain('Billing question');
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Rita Reason', 'my invoice is wrong');

      await d.say(ticket.thread, maria.id, '!resolve');
      await eventually('the reason is asked for', () => texts(ticket).some((x) => x.includes('asks for a close reason') && x.includes('1. Billing question')));

      await d.say(ticket.thread, maria.id, '!resolve 1');
      await eventually('the required field is named', () => texts(ticket).some((x) => x.includes('fill in plan first')));
      expect((await ticketsOf(phone))[0]!.status).not.toBe('resolved');

      await d.say(ticket.thread, maria.id, '!resolve 1 plan=gold');
      await eventually('resolved with the reason', () => texts(ticket).some((x) => x.includes('Reason: “Billing question”')));
      await eventually('the card shows the reason', () => d.card(ticket).text.includes('Billing question'));
      const [row] = await ticketsOf(phone);
      expect(row).toMatchObject({ status: 'resolved', close_reason: 'Billing question' });
      const [contact] = await d.core.db.sql<{ custom_fields: Record<string, string> }[]>`SELECT custom_fields FROM contacts WHERE external_id = ${phone}`;
      expect(contact!.custom_fields.plan).toBe('gold');

    });

    it('Resolve opens the close form: a required field left empty is refused under it, then the ticket resolves with the picked reason', async () => {
      const joao = d.agents[1];
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Fabi Form', 'all sorted, thank you');
      await d.core.db.sql`UPDATE contacts SET custom_fields = '{"plan": "gold"}' WHERE external_id = ${phone}`;
      const { form } = await d.press('resolve', ticket, joao.id);
      expect(form?.kind).toBe('close');

      const refused = await d.submit(form!, { pickedReason: 'Billing question', fields: { plan: { value: '', required: true } } });
      expect(Object.values(refused.errors ?? {}).join(' ')).toContain('Fill in plan');
      expect((await ticketsOf(phone))[0]!.status).not.toBe('resolved');

      expect(await d.submit(form!, { pickedReason: 'Billing question', fields: { plan: { value: 'silver', required: true } } })).toEqual({});
      await eventually('resolved with the picked reason', () => texts(ticket).some((x) => x.includes('Reason: “Billing question”')));
      await eventually('the card shows the reason', () => d.card(ticket).text.includes('Billing question'));
      const [contact] = await d.core.db.sql<{ custom_fields: Record<string, string> }[]>`SELECT custom_fields FROM contacts WHERE external_id = ${phone}`;
      expect(contact!.custom_fields.plan).toBe('silver');

      await admin('close field plan off');
      await admin('close reason remove Billing question');
    });

    it('asks a WhatsApp customer to rate with a list, and records a tapped 5 on the resolved ticket', async () => {
      expect(await admin('survey on')).toContain('Satisfaction survey on');
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Lia List', 'thanks, all good');
      await d.say(ticket.thread, d.agents[0].id, '!resolve');
      const survey = await eventually('the survey list', () => sentTo(phone).find((b) => b.type === 'interactive'));
      const interactive = survey.interactive as { type: string; body: { text: string }; action: { button: string; sections: { rows: { id: string; title: string }[] }[] } };
      expect(interactive.type).toBe('list');
      expect(interactive.body.text).toContain('How would you rate');
      expect(interactive.action.sections[0]!.rows.map((r) => r.id)).toEqual(['csat:5', 'csat:4', 'csat:3', 'csat:2', 'csat:1']);
      expect(interactive.action.sections[0]!.rows.every((r) => r.title.length <= 24)).toBe(true);

      const reply = waMessageOfType('interactive', { type: 'list_reply', list_reply: { id: 'csat:5', title: '5 – Excellent' } }, { from: phone, phoneNumberId: PHONE_ID, name: 'Lia List' });
      expect((await d.core.postMeta(reply)).statusCode).toBe(200);
      await eventually('the rating in the thread', () => texts(ticket).some((x) => x.includes('Lia List rated this conversation 5/5')));
      await eventually('the rating on the card', () => d.card(ticket).text.includes('5/5'));
      await eventually('thanked', () => sentTo(phone).some((b) => (b.text as { body?: string } | undefined)?.body === 'Thank you for your answer!'));
      const rows = await ticketsOf(phone);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'resolved', csat: 5 });
    });

    it('records a typed 5 the same way; anything else after that opens a new ticket', async () => {
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Tito Typed', 'done, thanks');
      await d.say(ticket.thread, d.agents[1].id, '!resolve');
      await eventually('the survey list', () => sentTo(phone).find((b) => b.type === 'interactive'));
      expect((await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Tito Typed', text: '5' }))).statusCode).toBe(200);
      await eventually('the rating in the thread', () => texts(ticket).some((x) => x.includes('Tito Typed rated this conversation 5/5')));
      expect(await ticketsOf(phone)).toEqual([expect.objectContaining({ csat: 5 })]);
      // Answered: a second "5" is a new conversation, not another rating.
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Tito Typed', text: '5' }));
      const rows = await eventually('a new ticket', async () => ((await ticketsOf(phone)).length === 2 ? ticketsOf(phone) : undefined));
      expect(rows.map((r) => r.csat)).toEqual([5, null]);
    });

    it('/ponte report csat counts the answers, per department and per agent', async () => {
      const report = await admin('report csat 7d');
      expect(report).toContain('2 answer(s), average 5.0 of 5');
      expect(report).toContain('5★ 2 · 4★ 0 · 3★ 0 · 2★ 0 · 1★ 0');
      expect(report).toContain(`${d.agents[0].name}: 5.0 (1)`);
      expect(report).toContain(`${d.agents[1].name}: 5.0 (1)`);
      expect(await admin('report csat yesterday')).toContain('Usage');
      await admin('survey off');
    });
  });
}
