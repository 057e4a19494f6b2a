// Issue 13 (part): a contact's history, transcripts, contact comments and the helpdesks' ticket
// views, through both agent bridges with the platform-free driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WA_AD_REFERRAL, waTextMessage } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver, type SeenPost, type TicketRef } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

let phones = 0;
const nextPhone = () => `55118${String(7_700_000 + (phones += 1)).padStart(7, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: contact history, transcripts, comments, finding work`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const maria = () => d.agents[0];
    const joao = () => d.agents[1];
    const protocolOf = async (ticket: TicketRef) => (await d.core.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${ticket.id}`)[0]!.protocol;
    /** A post in the thread that satisfies `pred`, once it shows. */
    const seen = (ticket: TicketRef, what: string, pred: (p: SeenPost) => boolean) => eventually(what, () => d.posts(ticket.thread).find(pred), 15_000);
    const resolvedAs = async (ticket: TicketRef, how = '!resolve silent') => {
      await d.say(ticket.thread, maria().id, how);
      await eventually('resolved', async () => (await d.core.db.sql`SELECT 1 FROM tickets WHERE id = ${ticket.id} AND status = 'resolved'`).length > 0);
    };

    /** The contact writes again after `previous` was resolved: their new ticket, once its thread shows the message. */
    const writesAgain = async (phone: string, profileName: string, text: string, previous: TicketRef): Promise<TicketRef> => {
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: profileName, text }));
      return eventually(`${profileName}'s new ticket`, async () => {
        const [row] = await d.core.db.sql<{ id: string }[]>`
          SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} AND t.id > ${previous.id} ORDER BY t.id DESC LIMIT 1`;
        const thread = row ? await d.threadOf(String(row.id)) : undefined;
        return row && thread && d.posts(thread).some((p) => p.text.includes(text)) ? { id: String(row.id), thread } : undefined;
      }, 15_000);
    };

    it('!history lists the contact’s earlier tickets, each linked to its thread, with who served and why it closed', async () => {
      const phone = nextPhone();
      const first = await customerWritesTo(d, phone, 'Helena', 'primeira vez');
      await d.say(first.thread, maria().id, 'Oi Helena!');
      await resolvedAs(first, '!resolve silent entrega combinada');
      const second = await writesAgain(phone, 'Helena', 'de novo', first);
      await resolvedAs(second);
      const third = await writesAgain(phone, 'Helena', 'mais uma', second);
      const [p1, p2, p3] = [await protocolOf(first), await protocolOf(second), await protocolOf(third)];

      // The customer rated the first conversation (the survey's answer; docs/closing.md).
      await d.core.db.sql`UPDATE tickets SET csat = 5, csat_at = now() WHERE id = ${first.id}`;
      await d.say(third.thread, joao().id, '!history');
      const history = await seen(third, 'the history', (p) => p.text.includes('Earlier tickets of this contact'));
      expect(history.text).toContain('CSAT 5');
      expect(history.text).toContain('(2)');
      for (const [protocol, ticket] of [[p1, first], [p2, second]] as const) {
        const linked = history.links.find((l) => l.label === protocol);
        expect(linked, `${protocol} links to its thread`).toBeDefined();
        expect(linked!.url.replace('.', '')).toContain(ticket.thread.threadId.replace('.', ''));
      }
      expect(history.text).not.toContain(p3); // this ticket is not its own history
      expect(history.text).toContain('Maria'); // served the first one
      expect(history.text).toContain('entrega combinada'); // its close reason
      expect(history.text.indexOf(p2)).toBeLessThan(history.text.indexOf(p1)); // newest first

      // The card's More menu offers it too.
      const more = d.card(third).controls.find((c) => c.control === 'more')!;
      expect(more.options!.map((o) => o.control)).toEqual(expect.arrayContaining(['more:history', 'more:transcript']));
      await d.press('more:history', third, joao().id);
      await eventually('a second history', () => d.posts(third.thread).filter((p) => p.text.includes('Earlier tickets of this contact')).length === 2);
    });

    it('a first ticket has no history, and says so', async () => {
      const only = await customerWritesTo(d, nextPhone(), 'Ivo', 'oi');
      await d.say(only.thread, maria().id, '!history');
      await seen(only, 'no history', (p) => p.text.includes('no earlier tickets'));
    });

    it('!transcript posts the conversation as a file, agents by name, internal notes left out; html is escaped', async () => {
      const ticket = await customerWritesTo(d, nextPhone(), 'Júlia', 'quero <b>trocar</b> o pedido');
      await d.say(ticket.thread, maria().id, 'Claro, qual o número?');
      await d.say(ticket.thread, maria().id, '!note cliente difícil, cuidado');
      await eventually('the note kept', async () => (await d.core.db.sql`SELECT 1 FROM messages WHERE ticket_id = ${ticket.id} AND direction = 'note'`).length > 0);
      await d.say(ticket.thread, maria().id, '!transcript');
      const protocol = await protocolOf(ticket);
      const txt = await eventually('the transcript file', () => d.files(ticket.thread).find((f) => f.filename === `transcript-${protocol}.txt`), 15_000);
      expect(txt.text).toContain('Júlia: quero <b>trocar</b> o pedido');
      expect(txt.text).toContain('Maria (agent): ');
      expect(txt.text).toContain('Claro, qual o número?');
      expect(txt.text).not.toContain('cliente difícil');
      expect(txt.text.indexOf('quero')).toBeLessThan(txt.text.indexOf('Claro'));

      await d.say(ticket.thread, maria().id, '!transcript html');
      const html = await eventually('the html transcript', () => d.files(ticket.thread).find((f) => f.filename === `transcript-${protocol}.html`), 15_000);
      expect(html.text).toContain('quero &lt;b&gt;trocar&lt;/b&gt; o pedido');
      expect(html.text).not.toContain('<b>trocar');
      expect(html.text).not.toContain('cliente difícil');
    });

    it('/ponte transcript on posts the transcript when a ticket is resolved', async () => {
      expect(await d.adminCommand(d.admin, 'transcript on')).toContain('transcript');
      const ticket = await customerWritesTo(d, nextPhone(), 'Kátia', 'obrigada pela ajuda');
      await d.say(ticket.thread, maria().id, 'Por nada!');
      await resolvedAs(ticket);
      const protocol = await protocolOf(ticket);
      const file = await eventually('the transcript on resolve', () => d.files(ticket.thread).find((f) => f.filename === `transcript-${protocol}.txt`), 15_000);
      expect(file.text).toContain('Kátia: obrigada pela ajuda');
      expect(await d.adminCommand(d.admin, 'transcript off')).toContain('no longer');
    });

    it('comments: general ones follow the contact to the next ticket, this-conversation ones do not; edit and delete', async () => {
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Lucas', 'bom dia');
      const numberOf = async (text: string, what: string) => {
        await d.say(ticket.thread, maria().id, text);
        const post = await seen(ticket, what, (p) => p.text.includes(what));
        return /#(\d+)/.exec(post.text)![1]!;
      };
      const vip = await numberOf('!comment cliente VIP', 'kept on the contact');
      await numberOf('!comment here aguardando nota fiscal', 'this conversation only');
      await d.say(ticket.thread, maria().id, '!comment apagar isto');
      const gone = await eventually('the third comment', () => {
        const kept = d.posts(ticket.thread).filter((p) => p.text.includes('kept on the contact'));
        return kept.length === 2 ? /#(\d+)/.exec(kept[1]!.text)![1] : undefined;
      });
      await d.say(ticket.thread, maria().id, `!comment edit ${vip} cliente VIP desde 2020`);
      await seen(ticket, 'edited', (p) => p.text.includes(`#${vip} edited`));
      await d.say(ticket.thread, joao().id, `!comment delete ${gone}`);
      await seen(ticket, 'deleted', (p) => p.text.includes(`#${gone} deleted`));
      await d.say(ticket.thread, maria().id, '!comment delete 999999');
      await seen(ticket, 'refused', (p) => p.text.includes('no comment `#999999`') || p.text.includes('no comment #999999'));

      await d.say(ticket.thread, maria().id, '!comments');
      const list = await seen(ticket, 'the list', (p) => p.text.includes('Comments on this contact'));
      expect(list.text).toContain('cliente VIP desde 2020');
      expect(list.text).toContain('(edited');
      expect(list.text).toContain('aguardando nota fiscal');
      expect(list.text).toContain('this conversation only');
      expect(list.text).toContain('Maria');
      expect(list.text).not.toContain('apagar isto');

      await resolvedAs(ticket);
      const next = await writesAgain(phone, 'Lucas', 'voltei', ticket);
      const shown = await seen(next, 'the contact’s comments on the new ticket', (p) => p.text.includes('Notes about this customer'));
      expect(shown.text).toContain('cliente VIP desde 2020');
      expect(shown.text).not.toContain('aguardando nota fiscal');
      expect(shown.text).not.toContain('apagar isto');
    });

    it('/ponte tickets: views, sorts, filters and pages of ten', async () => {
      const tag = `lote${name.toLowerCase()}`;
      const tickets: TicketRef[] = [];
      for (let i = 0; i < 11; i += 1) tickets.push(await customerWritesTo(d, nextPhone(), `Fila ${i}`, `mensagem ${i}`));
      for (const t of tickets) await d.say(t.thread, joao().id, `!tag ${tag}`);
      await d.say(tickets[0]!.thread, maria().id, 'Oi, já vejo isso');
      await d.say(tickets[1]!.thread, maria().id, 'Oi, um momento');
      await eventually('tagged and answered', async () => {
        const [row] = await d.core.db.sql<{ tagged: number; open: number }[]>`
          SELECT count(*)::int AS tagged, count(*) FILTER (WHERE t.status = 'open')::int AS open
          FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id JOIN tickets t ON t.id = tt.ticket_id WHERE g.name = ${tag}`;
        return row!.tagged === 11 && row!.open === 2;
      }, 20_000);
      const protocols = await Promise.all(tickets.map(protocolOf));
      const order = (out: string) => protocols.map((p, i) => [out.indexOf(p), i] as const).filter(([at]) => at >= 0).sort((a, b) => a[0] - b[0]).map(([, i]) => i);

      const page1 = await d.adminCommand(maria().id, `tickets all oldest tag:${tag}`);
      expect(page1).toContain('(11)');
      expect(page1).toContain('Page 1 of 2');
      expect(order(page1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const page2 = await d.adminCommand(maria().id, `tickets all oldest tag:${tag} page 2`);
      expect(page2).toContain('Page 2 of 2');
      expect(order(page2)).toEqual([10]);
      expect(order(await d.adminCommand(maria().id, `tickets all newest tag:${tag}`)).slice(0, 2)).toEqual([10, 9]);

      // By message: the customer of the first ticket writes again, so it has the latest message.
      // WhatsApp's timestamps are whole seconds: one a second on, so that it cannot tie with the
      // last opening's in a fast run (a tie is sorted by ticket id, and the last ticket would win).
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: (await d.core.db.sql<{ external_id: string }[]>`
        SELECT c.external_id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ${tickets[2]!.id}`)[0]!.external_id, name: 'Fila 2', text: 'ainda aqui', timestamp: Math.floor(Date.now() / 1000) + 1 }));
      await seen(tickets[2]!, 'the new message', (p) => p.text.includes('ainda aqui'));
      expect(order(await d.adminCommand(maria().id, `tickets all latest tag:${tag}`))[0]).toBe(2);
      expect(order(await d.adminCommand(maria().id, `tickets all earliest tag:${tag}`))[0]).not.toBe(2);

      expect(order(await d.adminCommand(maria().id, `tickets mine tag:${tag}`)).sort((a, b) => a - b)).toEqual([0, 1]);
      expect(order(await d.adminCommand(joao().id, `tickets open tag:${tag}`)).sort((a, b) => a - b)).toEqual([0, 1]);
      // Inbox: nobody's tickets (João works in no department), so not the two Maria has.
      const inbox = order(await d.adminCommand(joao().id, `tickets inbox tag:${tag}`));
      expect(inbox).toHaveLength(9);
      expect(inbox).not.toContain(0);
      expect(await d.adminCommand(maria().id, `tickets all whatsapp tag:${tag} number:${PHONE_ID}`)).toContain('(11)');
      expect(await d.adminCommand(maria().id, `tickets all tag:${tag} number:999`)).toContain('No tickets match');
    });

    it('/ponte tickets campaign: finds customers who came from an ad', async () => {
      const from = nextPhone();
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Nina', text: 'vi o anúncio', referral: WA_AD_REFERRAL }));
      const nina = await customerWritesTo(d, from, 'Nina', 'oi de novo');
      const protocol = await protocolOf(nina);
      const out = await d.adminCommand(maria().id, 'tickets all campaign:Succulents');
      expect(out).toContain(protocol);
      expect(out).toContain('(1)');
    });
  });
}
