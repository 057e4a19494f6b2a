// Admin odds and ends (issue 13), through both agent-side bridges: `/ponte disconnect` (an account
// stops opening tickets, status shows its traffic, connect restores it); deleting a ticket (admins
// only, asked to confirm, then its content is gone, the thread says so, the card has no controls,
// the audit keeps who and which); `/ponte export audit` (an RFC 4180, formula-safe CSV behind a
// link that expires).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

let phones = 0;
const nextPhone = () => `55119${String(8_100_000 + (phones += 1)).padStart(7, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: admin odds and ends`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    }, 60_000);
    afterAll(async () => d?.close());
    // Discord has room for 25 subcommands: there the same commands are `connect … disconnect` and `report audit`.
    const disconnectWords = `${name === 'Slack' ? 'disconnect' : 'connect'} whatsapp ${PHONE_ID}${name === 'Slack' ? '' : ' disconnect'}`;
    const exportWords = (period: string) => `${name === 'Slack' ? 'export' : 'report'} audit ${period}`;

    it('disconnect: the next message opens no ticket and status shows it; connect restores the account', async () => {
      const refused = await d.adminCommand(d.agents[0].id, disconnectWords);
      expect(refused).toContain('only Ponte admins');
      expect(await d.adminCommand(d.admin, disconnectWords)).toContain('is disconnected');

      const phone = nextPhone();
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Dora Disconnected', text: 'anyone there?' }));
      await eventually('recorded as from an unknown account', async () =>
        (await d.core.db.sql`SELECT 1 FROM inbound_events WHERE reason = 'unknown_account' AND payload->>'text' = 'anyone there?'`).length === 1,
      );
      expect(await d.core.db.sql`SELECT 1 FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone}`).toHaveLength(0);
      const status = await d.adminCommand(d.admin, 'status');
      expect(status).toMatch(/disconnected since/);
      expect(status).toMatch(new RegExp(`whatsapp \\S*${PHONE_ID}\\S*: 1 event`));
      const [audited] = await d.core.db.sql<{ details: { accountId: string } }[]>`SELECT details FROM audit_log WHERE action = 'disconnect'`;
      expect(audited?.details.accountId).toBe(PHONE_ID);

      expect(await d.adminCommand(d.admin, `connect whatsapp ${PHONE_ID} <#${d.home}>`)).toContain('now opens tickets');
      const ticket = await customerWritesTo(d, phone, 'Dora Disconnected', 'back again');
      expect(ticket.id).toBeTruthy();
      expect(await d.adminCommand(d.admin, 'status')).not.toMatch(/disconnected since/);
    });

    it('delete: refused to an agent in words, asks an admin to confirm, then the content is gone and the thread says so', async () => {
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Paula Privacy', 'my secret address is Rua X 12');
      const protocol = (await d.core.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${ticket.id}`)[0]!.protocol;
      await d.say(ticket.thread, d.agents[0].id, 'we will check it');
      await eventually('the reply reached the customer', () => d.core.graph.sends().some((c) => JSON.stringify(c.body).includes('we will check it')));
      await d.say(ticket.thread, d.agents[0].id, '!note she asked us to forget her');

      await d.say(ticket.thread, d.agents[0].id, `!delete ${protocol}`);
      await eventually('the refusal', () => d.posts(ticket.thread).some((p) => p.text.includes('Only Ponte admins can delete a ticket')));

      await d.press('more:delete', ticket, d.admin);
      await eventually('the question, to the admin only', () => d.notices(d.admin).some((n) => n.text.includes(`!delete ${protocol}`)));
      await d.say(ticket.thread, d.admin, '!delete');
      await eventually('the question in the thread', () => d.posts(ticket.thread).some((p) => p.text.includes(`To go ahead, type !delete ${protocol}`)));
      expect((await d.core.db.sql`SELECT 1 FROM messages WHERE ticket_id = ${ticket.id} AND direction = 'inbound'`).length).toBe(1);

      const sendsBefore = d.core.graph.sends().length;
      await d.say(ticket.thread, d.admin, `!delete ${protocol}`);
      await eventually('the thread says so', () => d.posts(ticket.thread).some((p) => p.text === `Ticket ${protocol} was deleted by Ana.`));
      await eventually('the card shows it deleted, without controls', () => d.card(ticket).text.includes('Deleted') && d.card(ticket).controls.length === 0);

      const left = await d.core.db.sql<{ direction: string; body: string }[]>`SELECT direction, body FROM messages WHERE ticket_id = ${ticket.id}`;
      expect(left).toEqual([{ direction: 'system', body: `Ticket ${protocol} was deleted by Ana.` }]);
      expect(await d.core.db.sql`SELECT 1 FROM messages WHERE body LIKE '%secret address%' OR body LIKE '%forget her%' OR body LIKE '%will check it%'`).toHaveLength(0);
      expect(await d.core.db.sql`SELECT 1 FROM inbound_events WHERE payload::text LIKE '%secret address%'`).toHaveLength(0);
      expect(await d.core.db.sql`SELECT 1 FROM outbox WHERE payload::text LIKE '%will check it%'`).toHaveLength(0);
      const [entry] = await d.core.db.sql<{ actor: string; details: Record<string, unknown> }[]>`SELECT actor, details FROM audit_log WHERE action = 'ticket.delete'`;
      expect(entry?.actor).toContain(d.admin);
      expect(entry?.details.protocol).toBe(protocol);
      expect(JSON.stringify(entry?.details)).not.toMatch(/secret|forget|check/);
      await d.core.sweep();
      expect(d.core.graph.sends().length).toBe(sendsBefore);

      // The contact stays; their next message opens a new ticket.
      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Paula Privacy', text: 'hello again' }));
      await eventually('a new ticket', async () =>
        (await d.core.db.sql`SELECT 1 FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} AND t.status = 'pending'`).length === 1,
      );
      expect(await d.core.db.sql`SELECT 1 FROM contacts WHERE external_id = ${phone}`).toHaveLength(1);
    });

    it('export: the audit log as formula-safe CSV behind a link that expires', async () => {
      await d.core.db.sql`INSERT INTO audit_log (actor, action, details) VALUES ('=HYPERLINK("http://evil")', '+cmd', ${d.core.db.sql.json({ note: 'a, "quoted"\nline' })})`;
      expect(await d.adminCommand(d.agents[0].id, exportWords('all'))).toContain('only Ponte admins');
      const answer = await d.adminCommand(d.admin, exportWords('all'));
      expect(answer).toMatch(/^The audit log \(\d+ entries\): .*ponte-audit-all-[\d-]+\.csv/);
      // The link's token, as the answer carries it (Slack's text shows the URL; Discord's reading keeps the label).
      const token = (await d.core.db.sql<{ token: string }[]>`SELECT token FROM public_files WHERE filename LIKE 'ponte-audit-%' ORDER BY created_at DESC LIMIT 1`)[0]!.token;
      if (name === 'Slack') expect(answer).toContain(`/media/${token}`);
      const res = await d.core.get(`/media/${token}`);
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toContain('text/csv');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('at,actor,action,details');
      expect(res.body).toContain(`,"'=HYPERLINK(""http://evil"")",'+cmd,"{""note"":""a, \\""quoted\\""\\nline""}"\r\n`);
      expect(res.body.endsWith('\r\n')).toBe(true);

      await d.core.db.sql`UPDATE public_files SET expires_at = now() - interval '1 second' WHERE token = ${token}`;
      expect((await d.core.get(`/media/${token}`)).statusCode).toBe(404);
      // Discord's period is a choice; typed text can name anything.
      if (name === 'Slack') expect(await d.adminCommand(d.admin, exportWords('yesterday'))).toContain('Usage');
    });
  });
}
