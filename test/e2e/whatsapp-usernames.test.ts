// WhatsApp customers with usernames (2026): known by a business-scoped user id (BSUID), with
// or without their phone. Through both agent-side bridges: one customer stays one contact and
// one ticket however WhatsApp identifies them, replies reach them by `recipient` when no phone
// is known, and agents see the username where they would see the phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsuidStatus, bsuidText, newBsuid, userIdChanged } from '../fixtures/whatsapp-usernames.js';
import { type AgentDriver, type TicketRef } from '../support/agent-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

type Body = { to?: string; recipient?: string; type?: string; text?: { body: string } };

for (const [bridge, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`WhatsApp usernames, agents on ${bridge}`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const maria = () => d.agents[0];
    const sends = () => d.core.graph.sends().map((c) => c.body as Body).filter((b) => b.type === 'text');
    const sentWith = (text: string) => sends().find((b) => b.text?.body.endsWith(text));

    /** The customer's ticket once `text` shows in its thread. */
    async function ticketOf(userId: string, text: string): Promise<TicketRef> {
      return eventually(`${userId}'s "${text}" in a thread`, async () => {
        const [row] = await d.core.db.sql<{ id: string }[]>`
          SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.user_id = ${userId} ORDER BY t.id DESC LIMIT 1`;
        const thread = row ? await d.threadOf(String(row.id)) : undefined;
        if (!row || !thread || !d.posts(thread).some((p) => p.text.includes(text))) return undefined;
        return { id: String(row.id), thread };
      }, 15_000);
    }

    it('a customer known only by their BSUID gets a ticket, the card shows their username, and the reply goes by recipient', async () => {
      const userId = newBsuid();
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, username: 'bia.loja', name: 'Bia', text: 'oi, sem telefone' }));
      const ticket = await ticketOf(userId, 'oi, sem telefone');
      const card = d.card(ticket);
      expect(card.text).toContain('@bia.loja');
      expect(card.text).not.toContain('••••');

      await d.say(ticket.thread, maria().id, 'Olá Bia');
      await eventually('the reply sent', () => sentWith('Olá Bia'));
      expect(sentWith('Olá Bia')).toMatchObject({ recipient: userId });
      expect(sentWith('Olá Bia')).not.toHaveProperty('to');
    });

    it('the same customer later writing with their phone stays one contact and one ticket; replies then go to the phone', async () => {
      const userId = newBsuid();
      const phone = `55119${String(Date.now()).slice(-7)}`;
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, username: 'caio', name: 'Caio', text: 'primeira' }));
      const first = await ticketOf(userId, 'primeira');
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, phone, username: 'caio', name: 'Caio', text: 'agora com telefone' }));
      const second = await ticketOf(userId, 'agora com telefone');
      expect(second.id).toBe(first.id);
      expect(await d.core.db.sql`SELECT 1 FROM contacts WHERE user_id = ${userId} OR phone = ${phone}`).toHaveLength(1);
      await eventually('the card shows the masked phone', () => d.card(first).text.includes(`•••• ${phone.slice(-4)}`));

      await d.say(first.thread, maria().id, 'Oi Caio');
      await eventually('the reply sent', () => sentWith('Oi Caio'));
      expect(sentWith('Oi Caio')).toMatchObject({ to: phone });

      // A later message without the phone (WhatsApp may withhold it again) is still the same customer.
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, username: 'caio', name: 'Caio', text: 'sem telefone de novo' }));
      expect((await ticketOf(userId, 'sem telefone de novo')).id).toBe(first.id);
    });

    it('a status that names only the BSUID marks the reply; a 131062 refusal is explained in the thread', async () => {
      const userId = newBsuid();
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, name: 'Duda', text: 'status?' }));
      const ticket = await ticketOf(userId, 'status?');
      const reply = await d.say(ticket.thread, maria().id, 'Vou verificar');
      await eventually('sent', () => d.reactionsOn(reply.id).length > 0);
      const [link] = await d.core.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        WHERE l.platform = 'whatsapp' AND m.ticket_id = ${ticket.id} AND m.direction = 'outbound'`;
      await d.core.postMeta(bsuidStatus({ phoneNumberId: PHONE_ID, id: link!.external_id, status: 'delivered', userId }));
      await eventually('✅ delivered', () => d.reactionsOn(reply.id).includes('✅'));

      d.core.graph.failNext({ status: 400, error: { message: '(#131062) Business-scoped User ID (BSUID) recipients are not supported for this message.', type: 'OAuthException', code: 131062 } });
      await d.say(ticket.thread, maria().id, 'isto falha');
      await eventually('the refusal explained', () => d.posts(ticket.thread).find((p) => p.text.includes('known only by their username') && p.text.includes('131062')));
    });

    it('a new BSUID (user_changed_user_id) moves the contact: their next message lands in the same ticket', async () => {
      const [before, after] = [newBsuid(), newBsuid()];
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId: before, name: 'Enzo', text: 'antes' }));
      const ticket = await ticketOf(before, 'antes');
      await d.core.postMeta(userIdChanged({ phoneNumberId: PHONE_ID, previous: before, next: after }));
      await eventually('moved', async () => (await d.core.db.sql`SELECT 1 FROM contacts WHERE user_id = ${after}`).length === 1);
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId: after, name: 'Enzo', text: 'depois' }));
      expect((await ticketOf(after, 'depois')).id).toBe(ticket.id);
      expect(await d.core.db.sql`SELECT 1 FROM contacts WHERE user_id IN (${before}, ${after})`).toHaveLength(1);
    });

    it('/ponte search finds a customer by username and by BSUID', async () => {
      const userId = newBsuid('PT');
      await d.core.postMeta(bsuidText({ phoneNumberId: PHONE_ID, userId, username: 'flor.atelie', name: 'Flor', text: 'busca' }));
      const ticket = await ticketOf(userId, 'busca');
      const [row] = await d.core.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${ticket.id}`;
      const protocol = row!.protocol;
      expect(await d.adminCommand(maria().id, 'search @flor.atelie')).toContain(protocol);
      expect(await d.adminCommand(maria().id, `search ${userId}`)).toContain(protocol);
    });
  });
}
