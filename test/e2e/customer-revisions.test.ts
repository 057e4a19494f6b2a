// Customers editing and deleting what they sent (WhatsApp edit/revoke, Messenger/Instagram
// message_edit and unsend), and Instagram story replies and shares, as agents SEE them on every
// bridge: an edit is a new line with the new words quoting the original, a deletion a line saying
// so quoting it; the original's copy stays as it was, marked ✏️ or 🗑️. A revision never opens a
// ticket, and nothing asks the agent to have the customer resend what they deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelKind } from '../../src/core/events.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { t, type MessageKey } from '../../src/i18n/catalog.js';
import { newWamid, waTextMessage } from '../fixtures/meta.js';
import { fbDelivery, msgAttachments, msgText, newMid, type MsgEvent } from '../fixtures/messenger.js';
import { IG_SHARES, msgEdit, msgUnsend, waEdit, waRevoke } from '../fixtures/revisions.js';
import type { AgentDriver, SeenPost, TicketRef } from '../support/agent-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { IG_ID, PAGE_ID, PHONE_ID, eventually } from '../support/harness.js';
import { startSlackDriver } from '../support/slack-driver.js';

/** A catalogue line as a person reads it once rendered: the pairs of `*`, `_` and `` ` `` markers gone. */
const shown = (key: MessageKey, vars: Record<string, string> = {}) => t('en', key, vars).replace(/([*_`])([^*_`\n]+)\1/g, '$2');
const bare = (e: string) => e.replace(/[\uFE0E\uFE0F]/g, '');
const EDITED = bare('✏️');
const DELETED = bare('🗑️');

let seq = 0;
const nextPhone = () => `55219${String(7_700_000 + (seq += 1)).padStart(7, '0')}`;
const nextScoped = () => `7311${String(Date.now()).slice(-7)}${String((seq += 1)).padStart(3, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: customers edit and delete messages`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
      // Messenger and Instagram open tickets where the driver's WhatsApp number does (as `/ponte connect` records it).
      const [wa] = await d.core.db.sql<{ agent_platform: string; agent_destination: string }[]>`
        SELECT agent_platform, agent_destination FROM connections WHERE channel = 'whatsapp' AND account_id = ${PHONE_ID}`;
      for (const [channel, accountId] of [['messenger', PAGE_ID], ['instagram', IG_ID]] as const) {
        await upsertConnection(d.core.db.sql, { channel, accountId, platform: wa!.agent_platform, destination: wa!.agent_destination, createdBy: 'test' });
      }
    });
    afterAll(async () => d?.close());

    async function deliver(body: unknown): Promise<void> {
      const res = await d.core.postMeta(body);
      expect(res.statusCode).toBe(200);
    }

    /** The contact's latest ticket, once a post showing `text` is in its thread. */
    async function postIn(channel: ChannelKind, contact: string, text: string): Promise<{ ticket: TicketRef; post: SeenPost }> {
      return eventually(`"${text}" in ${contact}'s thread`, async () => {
        const [row] = await d.core.db.sql<{ id: string }[]>`
          SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id
          WHERE c.channel = ${channel} AND c.external_id = ${contact} ORDER BY t.id DESC LIMIT 1`;
        const thread = row ? await d.threadOf(String(row.id)) : undefined;
        const post = thread && d.posts(thread).find((p) => p.text.includes(text));
        return post ? { ticket: { id: String(row!.id), thread: thread! }, post } : undefined;
      }, 15_000);
    }

    const find = (ticket: TicketRef, what: string, pred: (p: SeenPost) => boolean) => eventually(what, () => d.posts(ticket.thread).find(pred), 15_000);
    const marked = (post: SeenPost, emoji: string) => eventually(`${emoji} on "${post.text}"`, () => d.reactionsOn(post.id).map(bare).includes(emoji));
    const ticketsOf = async (channel: ChannelKind, contact: string) =>
      (await d.core.db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.channel = ${channel} AND c.external_id = ${contact}`)[0]!.n;
    const noResend = (ticket: TicketRef) => expect(d.posts(ticket.thread).map((p) => p.text).join('\n')).not.toMatch(/resend|send it again|cannot show/i);

    it('WhatsApp: an edit shows the new words quoting the original, and marks the original ✏️', async () => {
      const phone = nextPhone();
      const original = newWamid();
      await deliver(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Renata', text: 'Quero 2 unidades do modelo azul', id: original }));
      const { ticket, post } = await postIn('whatsapp', phone, 'Quero 2 unidades do modelo azul');
      const editId = newWamid();
      await deliver(waEdit({ phoneNumberId: PHONE_ID, from: phone, name: 'Renata', original, text: 'Quero 3 unidades do modelo azul', id: editId }));
      const edit = await find(ticket, 'the edit', (p) => p.text.includes(shown('customer.edited', { text: 'Quero 3 unidades do modelo azul' })));
      expect(edit.text).toContain('Quero 2 unidades do modelo azul'); // the quote of the original
      expect(edit.author).toBe(post.author);
      await marked(post, EDITED);
      expect(d.posts(ticket.thread).find((p) => p.id === post.id)!.text).toBe(post.text);
      noResend(ticket);
      expect(await ticketsOf('whatsapp', phone)).toBe(1);

      // An agent's emoji on the edit's line stays in the team's chat; on the original it reaches the customer.
      // The agent has not written in this thread: their name comes with the reaction (or is looked up).
      const reactionsSent = () => d.core.graph.sends().map((c) => c.body as { type?: string; reaction?: { message_id: string } }).filter((b) => b.type === 'reaction').map((b) => b.reaction!.message_id);
      await d.react(edit.id, d.agents[0].id, '👍');
      await eventually('the reaction on the edit handled', async () => {
        const [r] = await d.core.db.sql<{ reason: string | null }[]>`
          SELECT reason FROM inbound_events WHERE payload->>'type' = 'agent.reaction' AND payload->>'messageExternalId' = ${edit.id} AND state <> 'pending'`;
        return r?.reason === 'not_a_customer_message';
      });
      await d.react(post.id, d.agents[0].id, '👍');
      await eventually('the reaction on the original sent', () => reactionsSent().includes(original));
      expect(reactionsSent()).not.toContain(editId);
    });

    it('WhatsApp: a revoke marks the original 🗑️ and says it was deleted, the original still readable', async () => {
      const phone = nextPhone();
      const original = newWamid();
      await deliver(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Otávio', text: 'meu CPF é 123.456.789-00', id: original }));
      const { ticket, post } = await postIn('whatsapp', phone, 'meu CPF é 123.456.789-00');
      await deliver(waRevoke({ phoneNumberId: PHONE_ID, from: phone, name: 'Otávio', original }));
      const line = await find(ticket, 'the deletion', (p) => p.text.includes(shown('customer.deleted')));
      expect(line.text).toContain('meu CPF é 123.456.789-00');
      await marked(post, DELETED);
      expect(d.posts(ticket.thread).find((p) => p.id === post.id)!.text).toBe(post.text);
      noResend(ticket);
      // The agent's answer marks the customer's own message read, not the deletion (an id WhatsApp has no message for).
      await d.say(ticket.thread, d.agents[0].id, 'Tudo bem, apaguei daqui também.');
      const readMarks = () => d.core.graph.sends().map((c) => c.body as { to?: string; status?: string; message_id?: string; text?: { body: string } });
      await eventually('the answer sent', () => readMarks().some((b) => b.to === phone && b.text?.body.includes('apaguei daqui')));
      expect(readMarks().filter((b) => b.status === 'read').map((b) => b.message_id)).toContain(original);
      const [revoke] = await d.core.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        WHERE m.ticket_id = ${ticket.id} AND m.kind = 'deleted' AND l.platform = 'whatsapp'`;
      expect(readMarks().filter((b) => b.status === 'read').map((b) => b.message_id)).not.toContain(revoke!.external_id);
    });

    it('WhatsApp: a revoke after the ticket was resolved opens no ticket; it shows in the resolved thread', async () => {
      const phone = nextPhone();
      const original = newWamid();
      await deliver(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Lia', text: 'obrigada, era só isso', id: original }));
      const { ticket, post } = await postIn('whatsapp', phone, 'obrigada, era só isso');
      await d.say(ticket.thread, d.agents[0].id, '!resolve silent');
      await eventually('the ticket resolved', async () => (await d.core.db.sql`SELECT 1 FROM tickets WHERE id = ${ticket.id} AND status = 'resolved'`).length === 1);
      await deliver(waRevoke({ phoneNumberId: PHONE_ID, from: phone, name: 'Lia', original }));
      await find(ticket, 'the deletion in the old thread', (p) => p.text.includes(shown('customer.deleted')));
      await marked(post, DELETED);
      expect(await ticketsOf('whatsapp', phone)).toBe(1);
    });

    it('WhatsApp: a revoke of a message Ponte never saw, with no open ticket, is recorded and opens nothing', async () => {
      const phone = nextPhone();
      const ghost = newWamid();
      await deliver(waRevoke({ phoneNumberId: PHONE_ID, from: phone, name: 'Caio', original: ghost }));
      const row = await eventually('the revoke handled', async () => {
        const [r] = await d.core.db.sql<{ state: string; reason: string | null }[]>`
          SELECT state, reason FROM inbound_events WHERE payload->'revision'->>'targetExternalId' = ${ghost} AND state <> 'pending'`;
        return r;
      });
      expect(row).toEqual({ state: 'ignored', reason: 'deletion_of_unknown_message' });
      expect(await ticketsOf('whatsapp', phone)).toBe(0);
    });

    for (const [channel, accountId] of [['messenger', PAGE_ID], ['instagram', IG_ID]] as const) {
      const deliverMeta = (events: MsgEvent[]) => deliver(fbDelivery(channel, events));

      it(`${channel}: an edit and then an unsend of the same message`, async () => {
        const contact = nextScoped();
        const mid = newMid(channel);
        await deliverMeta([msgText({ kind: channel, accountId, from: contact, text: 'chego às 15h', mid })]);
        const { ticket, post } = await postIn(channel, contact, 'chego às 15h');
        await deliverMeta([msgEdit({ kind: channel, accountId, from: contact, mid, text: 'chego às 16h', numEdit: 1 })]);
        const edit = await find(ticket, 'the edit', (p) => p.text.includes(shown('customer.edited', { text: 'chego às 16h' })));
        expect(edit.text).toContain('chego às 15h');
        await marked(post, EDITED);
        await deliverMeta([msgUnsend({ kind: channel, accountId, from: contact, mid })]);
        const gone = await find(ticket, 'the unsend', (p) => p.text.includes(shown('customer.deleted')));
        expect(gone.text).toContain('chego às 15h');
        await marked(post, DELETED);
        expect(d.posts(ticket.thread).find((p) => p.id === post.id)!.text).toBe(post.text);
        noResend(ticket);
        expect(await ticketsOf(channel, contact)).toBe(1);
      });
    }

    it('instagram: a story reply and shared stories, reels and posts show what they are and link to them', async () => {
      const contact = nextScoped();
      const reply = msgText({ kind: 'instagram', accountId: IG_ID, from: contact, text: 'tem em azul?', mid: newMid('instagram') });
      (reply.message as Record<string, unknown>).reply_to = { story: { url: IG_SHARES.story.payload.url, id: '18043217512345678' } };
      await deliver(fbDelivery('instagram', [reply]));
      const { ticket, post } = await postIn('instagram', contact, 'tem em azul?');
      expect(post.text).toContain(`[reply to your story] ${IG_SHARES.story.payload.url}`);
      const shares = [IG_SHARES.story, IG_SHARES.reel, IG_SHARES.post, IG_SHARES.postIdOnly];
      await deliver(fbDelivery('instagram', shares.map((a, i) => msgAttachments({ kind: 'instagram', accountId: IG_ID, from: contact, attachments: [a], timestamp: Date.now() + i }))));
      for (const line of [
        `[shared story] ${IG_SHARES.story.payload.url}`,
        `[reel] Como usar o tênis Aurora ${IG_SHARES.reel.payload.url}`,
        `[shared post] Coleção de inverno ${IG_SHARES.post.payload.url}`,
        '[shared post] (id 18139494540000000)',
      ]) {
        const p = await find(ticket, line, (x) => x.text.includes(line));
        expect(p.text).not.toContain('not shown by Ponte');
      }
    });
  });
}
