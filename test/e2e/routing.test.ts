// Routing rules per department, agents who are away, and being told (issue 13): through both
// bridges, a WhatsApp customer through Meta's webhook fake and agents through the driver. What
// is asserted is what people see: the card, the thread's lines and who they ping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t, type MessageKey } from '../../src/i18n/catalog.js';
import { waTextMessage } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver, type SeenPost, type TicketRef } from '../support/agent-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

/** A catalogue line's words as shown, up to its first placeholder. */
const lead = (key: MessageKey) => t('en', key).split('{')[0]!.replace(/[*_`]/g, '');
/** The words of a line after its leading mention (`{agent}, …`). */
const tail = (key: MessageKey, vars: Record<string, string> = {}) => t('en', key, { agent: '', ...vars }).replace(/[*_`]/g, '');

let phones = 0;
const nextPhone = () => `55119${String(7_700_000 + (phones += 1)).padStart(7, '0')}`;

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: routing and being told`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const platform = () => d.name.toLowerCase();
    const sql = () => d.core.db.sql;
    /** The default department's rule, both driver agents in it, nobody away, turns forgotten. */
    const arrange = async (rule: string) => {
      await sql()`UPDATE departments SET routing = ${rule}, quiet_minutes = 30 WHERE is_default`;
      for (const a of d.agents) {
        await sql()`INSERT INTO agents (platform, platform_user_id, display_name) VALUES (${platform()}, ${a.id}, ${a.name})
                    ON CONFLICT (platform, platform_user_id) DO UPDATE SET away = false`;
      }
      await sql()`INSERT INTO agent_departments (agent_id, department_id)
                  SELECT a.id, d.id FROM agents a, departments d WHERE d.is_default AND a.platform = ${platform()}
                  ON CONFLICT DO NOTHING`;
      await sql()`UPDATE agent_departments SET last_routed_at = NULL`;
    };
    const assigneeOf = async (ticket: TicketRef) => {
      const [row] = await sql()<{ user_id: string | null }[]>`
        SELECT a.platform_user_id AS user_id FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.id = ${ticket.id}`;
      return row?.user_id ?? null;
    };
    /** The posts in the ticket's thread that ping `userId` and say `words`. */
    const pings = (ticket: TicketRef, userId: string, words: string) =>
      d.posts(ticket.thread).filter((p: SeenPost) => p.mentions.includes(`@${userId}`) && p.text.includes(words));
    /** A further message from a customer whose ticket exists; resolves once it shows in the thread. */
    const customerSays = async (ticket: TicketRef, from: string, profile: string, text: string) => {
      const res = await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: profile, text }));
      expect(res.statusCode).toBe(200);
      await eventually(`“${text}” in the thread`, () => d.posts(ticket.thread).some((p) => p.author === profile && p.text.includes(text)));
    };
    const assignedLine = (ticket: TicketRef, userId: string) =>
      eventually(`the assignment line pinging ${userId}`, () => pings(ticket, userId, tail('routing.assigned', { rule: t('en', 'routing.rule.round-robin') }).split('(')[0]!)[0]);

    it('round-robin: three new tickets alternate between two available agents, each told with a mention', async () => {
      await arrange('round-robin');
      const tickets: TicketRef[] = [];
      for (const who of ['Ana', 'Bia', 'Caio']) tickets.push(await customerWritesTo(d, nextPhone(), who, 'oi'));
      const assignees = await Promise.all(tickets.map(assigneeOf));
      expect(assignees[0]).not.toBeNull();
      expect(assignees[1]).not.toBeNull();
      expect(assignees[0]).not.toBe(assignees[1]);
      expect(assignees[2]).toBe(assignees[0]);
      for (const [i, ticket] of tickets.entries()) {
        const who = d.agents.find((a) => a.id === assignees[i])!;
        await assignedLine(ticket, who.id);
        await eventually('the card shows the assignee', () => d.card(ticket).text.includes(who.name));
      }
    });

    it('an agent who is away is skipped', async () => {
      await arrange('round-robin');
      const [away, here] = d.agents;
      await sql()`UPDATE agents SET away = true WHERE platform = ${platform()} AND platform_user_id = ${away.id}`;
      const tickets: TicketRef[] = [];
      for (const who of ['Davi', 'Eva']) tickets.push(await customerWritesTo(d, nextPhone(), who, 'oi'));
      expect(await Promise.all(tickets.map(assigneeOf))).toEqual([here.id, here.id]);
    });

    it('none leaves a new ticket pending for anyone', async () => {
      await arrange('none');
      const ticket = await customerWritesTo(d, nextPhone(), 'Fábio', 'oi');
      expect(await assigneeOf(ticket)).toBeNull();
      expect(d.posts(ticket.thread).some((p) => p.text.includes(lead('routing.rule.round-robin')) || p.mentions.length > 0)).toBe(false);
    });

    it('last: the agent who served the contact before gets their next ticket', async () => {
      await arrange('last');
      const phone = nextPhone();
      const first = await customerWritesTo(d, phone, 'Gil', 'oi');
      const served = await assigneeOf(first);
      expect(served).not.toBeNull();
      await d.say(first.thread, served!, '!resolve silent');
      await eventually('the first ticket resolved', async () => (await sql()`SELECT 1 FROM tickets WHERE id = ${first.id} AND status = 'resolved'`).length > 0);
      // Round-robin alone would now pick the other agent (the one never routed to).
      expect((await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: phone, name: 'Gil', text: 'voltei' }))).statusCode).toBe(200);
      const second = await eventually('the second ticket and its thread', async () => {
        const [row] = await sql()<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} AND t.id <> ${first.id}`;
        const thread = row ? await d.threadOf(String(row.id)) : undefined;
        return row && thread ? { id: String(row.id), thread } : undefined;
      }, 15_000);
      expect(await eventually('the second ticket assigned', () => assigneeOf(second))).toBe(served);
      await eventually('the line names the rule', () => pings(second, served!, t('en', 'routing.rule.last'))[0]);
    });

    it('a customer back after a quiet period mentions the assignee once', async () => {
      await arrange('round-robin');
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Helena', 'oi');
      const assignee = (await assigneeOf(ticket))!;
      const back = tail('routing.customer_back');
      await customerSays(ticket, phone, 'Helena', 'ainda por aqui');
      await d.core.sweep();
      expect(pings(ticket, assignee, back)).toEqual([]);
      // An hour of quiet (the department's quiet period is 30 minutes).
      await sql()`UPDATE messages SET occurred_at = occurred_at - interval '1 hour' WHERE ticket_id = ${ticket.id}`;
      for (const text of ['voltei', 'tem alguém?', 'preciso de ajuda']) await customerSays(ticket, phone, 'Helena', text);
      await eventually('the mention', () => pings(ticket, assignee, back)[0]);
      await d.core.sweep();
      expect(pings(ticket, assignee, back)).toHaveLength(1);
    });

    it('a transfer to a person mentions them in the thread', async (ctx) => {
      if (!d.capabilities.forms) return ctx.skip();
      await arrange('none');
      const [maria, joao] = d.agents;
      const ticket = await customerWritesTo(d, nextPhone(), 'Iara', 'oi');
      // João has never written: his name is looked up on the platform.
      const { form } = await d.press('transfer', ticket, maria.id);
      expect(await d.submit(form!, { person: joao.id })).toEqual({});
      const line = await eventually('the line that pings João', () => pings(ticket, joao.id, tail('routing.yours'))[0]);
      expect(line.mentions).toEqual([`@${joao.id}`]);
      expect(pings(ticket, maria.id, '')).toEqual([]);
    });
  });
}

// The commands are the core's (src/admin/); the Discord driver has no /ponte yet, so they are
// typed on Slack here, and Discord's option order is covered in test/unit/routing-setting.test.ts.
describe('Slack: /ponte department … routing|quiet and /ponte away', () => {
  let d: AgentDriver;
  beforeAll(async () => {
    d = await startSlackDriver();
  });
  afterAll(async () => d?.close());

  it('admins set a rule and a quiet period, shown in the list; agents mark themselves away, shown in the agent list', async () => {
    const [maria] = d.agents;
    expect(await d.adminCommand(maria.id, 'department General routing round-robin')).toContain(t('en', 'admin.refused').slice(0, 20));
    expect(await d.adminCommand(d.admin, 'department General routing round-robin')).toContain('round-robin');
    expect(await d.adminCommand(d.admin, 'department General quiet 45')).toContain('45');
    expect(await d.adminCommand(d.admin, 'department General routing sometimes')).toContain('/ponte department');
    const list = await d.adminCommand(maria.id, 'department list');
    expect(list).toContain('routing: round-robin; quiet: 45 min');
    await d.core.db.sql`
      WITH a AS (INSERT INTO agents (platform, platform_user_id) VALUES ('slack', ${maria.id}) ON CONFLICT (platform, platform_user_id) DO UPDATE SET away = false RETURNING id)
      INSERT INTO agent_departments (agent_id, department_id) SELECT a.id, d.id FROM a, departments d WHERE d.is_default ON CONFLICT DO NOTHING`;
    expect(await d.adminCommand(maria.id, 'away on')).toContain(lead('away.on').slice(0, 12));
    expect(await d.adminCommand(maria.id, 'agent list')).toContain(`(${t('en', 'away.status')})`);
    const [row] = await d.core.db.sql<{ away: boolean }[]>`SELECT away FROM agents WHERE platform = 'slack' AND platform_user_id = ${maria.id}`;
    expect(row!.away).toBe(true);
    await d.adminCommand(maria.id, 'away off');
    expect(await d.adminCommand(maria.id, 'agent list')).not.toContain(`(${t('en', 'away.status')})`);
  });
});
