import type { Rich } from '../core/rich-text.js';
import { insertNotice } from '../messages/repository.js';
import { say } from '../i18n/catalog.js';
import { agentLane } from '../pipeline/outbox.js';
import type { ActionContext } from '../tickets/transitions.js';
import { cancelScheduled, describeRows, listScheduled } from './scheduled-store.js';
import { zoneOf } from './schedule-target.js';
import { cancelVerb, editVerb, scheduleNew, type Answer, type Scheduler } from './schedule-verbs.js';
import type { ArmMessage } from './scheduled-messages.js';

export interface ScheduleOptions {
  arm?: ArmMessage;
  /** The workspace's zone (PONTE_TIMEZONE), for agents who set none. */
  timeZone?: string;
  /** PONTE_ADMINS: they may edit and cancel anyone's. */
  envAdmins?: readonly string[];
}

/**
 * `!schedule` in a ticket's thread: `<when> <text>`, `<when> template <name> [params]`, `list`,
 * `edit <n> …`, `cancel <n>`, and `cancel` (every pending one here that is yours, or all for an admin).
 */
export async function scheduleCommand(ctx: ActionContext, args: string, o: ScheduleOptions): Promise<void> {
  const { tx, ticket, agent, locale } = ctx;
  const zone = await zoneOf(tx, agent.id, o.timeZone ?? 'UTC');
  const isAdmin = agent.role === 'admin' || agent.platform_admin || (o.envAdmins ?? []).includes(`${agent.platform}:${agent.platform_user_id}`);
  const s: Scheduler = { db: tx, agent, isAdmin, locale, zone, arm: o.arm };
  const usage = say(locale, 'scheduled.usage');
  const [verb = '', ...more] = args.trim().split(/\s+/);
  const rest = args.trim().slice(verb.length).trim();
  const post = async (text: Rich) => {
    const id = await insertNotice(tx, ticket.id, text);
    await ctx.lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: id });
  };
  const answer = (a: Answer) => (a.ok ? post(a.text) : ctx.refuse(a.text));

  switch (verb.toLowerCase()) {
    case 'list': {
      const rows = await listScheduled(tx, { ticketId: ticket.id });
      return rows.length ? post(say(locale, 'scheduled.list', { lines: describeRows(locale, rows, zone) })) : ctx.refuse(say(locale, 'scheduled.none'));
    }
    case 'edit':
      return answer(await editVerb(s, rest, usage));
    case 'cancel': {
      if (more.length) return answer(await cancelVerb(s, more[0]!));
      const mine = (await listScheduled(tx, { ticketId: ticket.id })).filter((r) => r.state === 'pending' && (isAdmin || r.author_agent_id === agent.id));
      if (!mine.length) return ctx.refuse(say(locale, 'scheduled.none'));
      for (const r of mine) await cancelScheduled(tx, r.id);
      return post(say(locale, 'scheduled.cancelled', { lines: describeRows(locale, mine.map((r) => ({ ...r, state: 'cancelled' })), zone) }));
    }
    default:
      if (ticket.status === 'resolved') return ctx.refuse(say(locale, 'thread.closed_ticket'));
      return answer(await scheduleNew(s, { ticketId: ticket.id, contactId: ticket.contact_id, connectionId: ticket.connection_id, label: '' }, args, usage));
  }
}
