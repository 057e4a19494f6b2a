// Inactivity per department (issue 13): a customer who owes a reply is warned, then the ticket
// resolves; a customer message stops the clock; a ticket resolves when its reply window closes.
// Through both bridges: a WhatsApp customer through Meta's webhook fake, agents through the driver;
// the timers are real (BullMQ on Redis, armed by the sweeper from Postgres rows).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { t, type MessageKey } from '../../src/i18n/catalog.js';
import { waTextMessage } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver, type TicketRef } from '../support/agent-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

/** A catalogue line's words as shown, up to its first placeholder. */
const lead = (key: MessageKey) => t('en', key).split('{')[0]!.replace(/[*_`]/g, '');

let phones = 0;
const nextPhone = () => `55119${String(6_600_000 + (phones += 1)).padStart(7, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: inactivity`, () => {
    let d: AgentDriver;
    let dept = '';
    beforeAll(async () => {
      d = await start();
      dept = (await d.core.db.sql<{ name: string }[]>`SELECT name FROM departments WHERE is_default`)[0]!.name;
      await d.adminCommand(d.admin, 'message farewell Tchau {name}!');
    });
    afterAll(async () => d?.close());

    const sql = () => d.core.db.sql;
    const sentTo = (to: string) =>
      d.core.graph.sends()
        .map((c) => c.body as { to?: string; type?: string; text?: { body: string } })
        .filter((b) => b.to === to && b.type === 'text')
        .map((b) => b.text!.body);
    const ticketRow = async (ticket: TicketRef) =>
      (await sql()<{ status: string; close_reason: string | null; inactivity_at: Date | null }[]>`
        SELECT status, close_reason, inactivity_at FROM tickets WHERE id = ${ticket.id}`)[0]!;
    const said = (ticket: TicketRef, words: string) => d.posts(ticket.thread).filter((p) => p.text.includes(words));
    const customerSays = async (ticket: TicketRef, from: string, profile: string, text: string) => {
      expect((await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: profile, text }))).statusCode).toBe(200);
      await eventually(`“${text}” in the thread`, () => d.posts(ticket.thread).some((p) => p.author === profile && p.text.includes(text)));
    };

    it('warns the silent customer after N, then resolves after M with the farewell, reason “inactivity”; the card shows each step', async () => {
      const answer = await d.adminCommand(d.admin, `department ${dept} inactivity 2s 3s Oi {name}, ainda está aí?`);
      expect(answer).toContain('resolves');
      // The department asks for a close reason: an automatic resolve cannot ask, and says so.
      await d.adminCommand(d.admin, 'close reason add Resolvido');
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Ana', 'oi, uma dúvida');
      await d.say(ticket.thread, d.agents[0].id, 'Claro! Mais alguma coisa?');
      await eventually('the card shows the warning to come', () => d.card(ticket).text.includes(lead('card.inactivity_warn')));
      await eventually('the warning sent', () => sentTo(phone).includes('Oi Ana, ainda está aí?'), 15_000);
      await eventually('the thread says so', () => said(ticket, lead('inactivity.warned'))[0]);
      await eventually('the card shows the resolve to come', () => d.card(ticket).text.includes(lead('card.inactivity_close')));
      await eventually('resolved', async () => (await ticketRow(ticket)).status === 'resolved', 15_000);
      expect((await ticketRow(ticket)).close_reason).toBe('inactivity');
      await eventually('the resolve line, saying what was not asked', () => said(ticket, 'resolved automatically')[0]);
      expect(said(ticket, 'resolved automatically')[0]!.text).toContain('were not asked for');
      await eventually('the farewell', () => sentTo(phone).includes('Tchau Ana!'));
      await d.core.sweep();
      await d.core.sweep();
      expect(sentTo(phone).filter((b) => b === 'Oi Ana, ainda está aí?')).toHaveLength(1);
      expect(sentTo(phone).filter((b) => b === 'Tchau Ana!')).toHaveLength(1);
      expect(said(ticket, 'resolved automatically')).toHaveLength(1);
      await d.adminCommand(d.admin, 'close reason remove Resolvido');
    }, 40_000);

    it('a customer message stops the clock, before and after the warning; the card shows it', async () => {
      await d.adminCommand(d.admin, `department ${dept} inactivity 2s 1h`);
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Bia', 'oi');
      await d.say(ticket.thread, d.agents[0].id, 'Pode me mandar o número do pedido?');
      await eventually('the card shows the warning to come', () => d.card(ticket).text.includes(lead('card.inactivity_warn')));
      await eventually('warned', () => sentTo(phone).some((b) => b.startsWith('Hi Bia, are you still there?')), 15_000);
      await eventually('the card shows the resolve to come', () => d.card(ticket).text.includes(lead('card.inactivity_close')));
      await customerSays(ticket, phone, 'Bia', 'é o 4521');
      await eventually('the thread says the clock stopped', () => said(ticket, lead('inactivity.stopped'))[0]);
      await eventually('the card no longer shows it', () => !d.card(ticket).text.includes('Inactivity'));
      const row = await ticketRow(ticket);
      expect(row.status).not.toBe('resolved');
      expect(row.inactivity_at).toBeNull();

      // Before the warning: the agent answers, the customer writes first; no warning is left to go.
      await d.say(ticket.thread, d.agents[0].id, 'Obrigado, vou verificar.');
      await eventually('the clock running again', async () => (await ticketRow(ticket)).inactivity_at !== null);
      await customerSays(ticket, phone, 'Bia', 'ok, aguardo');
      await eventually('stopped again', () => said(ticket, lead('inactivity.stopped')).length === 2);
      expect((await ticketRow(ticket)).inactivity_at).toBeNull();
      expect(sentTo(phone).filter((b) => b.startsWith('Hi Bia'))).toHaveLength(1);
    }, 40_000);

    it('resolves when the reply window closes, reason “window closed”, when the department wants it', async () => {
      await d.adminCommand(d.admin, `department ${dept} windowclose on`);
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Caio', 'oi');
      await eventually('the card shows it', () => d.card(ticket).text.includes(lead('card.inactivity_window')));
      // A day passes without a word from the customer.
      await sql()`UPDATE contacts SET last_inbound_at = now() - interval '25 hours' WHERE external_id = ${phone}`;
      await sql()`UPDATE tickets SET window_close_at = now() - interval '1 hour' WHERE id = ${ticket.id}`;
      await eventually('resolved', async () => (await ticketRow(ticket)).status === 'resolved', 15_000);
      expect((await ticketRow(ticket)).close_reason).toBe('window closed');
      await eventually('the resolve line', () => said(ticket, 'resolved automatically')[0]);
      await d.adminCommand(d.admin, `department ${dept} windowclose off`);
    }, 40_000);

    it('a wake-up that Redis lost still fires, once (the sweeper re-arms it from the row)', async () => {
      await d.adminCommand(d.admin, `department ${dept} inactivity 3s 1h Ainda por aí?`);
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Duda', 'oi');
      await d.say(ticket.thread, d.agents[0].id, 'Me conta mais?');
      const redis = new Redis(inject('redisUrl'));
      try {
        // The sweeper armed the wake-up (it is due within a minute); Redis loses it before it fires.
        const key = await eventually('the wake-up armed', async () => (await redis.keys(`*:timers:inactivity-${ticket.id}-*`))[0]);
        const [, prefix, jobId] = /^(.*):timers:(.*)$/.exec(key)!;
        const queue = new Queue('timers', { connection: redis.duplicate(), prefix });
        await queue.remove(jobId!);
        await queue.close();
      } finally {
        redis.disconnect();
      }
      await eventually('warned anyway', () => sentTo(phone).includes('Ainda por aí?'), 15_000);
      // The thread's line goes through the agent side's own lane: it may land just after the send.
      await eventually('the warned line', () => said(ticket, lead('inactivity.warned'))[0]);
      await d.core.sweep();
      await d.core.sweep();
      expect(sentTo(phone).filter((b) => b === 'Ainda por aí?')).toHaveLength(1);
      expect(said(ticket, lead('inactivity.warned'))).toHaveLength(1);
    }, 40_000);
  });
}
