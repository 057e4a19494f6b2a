import { TransitionRejected } from '../core/errors.js';
import { findAgentById } from '../agents/repository.js';
import type { Agent } from '../agents/repository.js';
import type { Department } from '../departments/repository.js';
import { insertNotice } from '../messages/repository.js';
import { transition } from './repository.js';
import { say, t } from '../i18n/catalog.js';
import { queueAutoMessage } from './auto-messages.js';
import { agentLane } from '../pipeline/outbox.js';
import type { ActionContext } from './transitions.js';
import { mention } from '../core/rich-text.js';
import { routeNewTicket } from './routing.js';

const nameOf = (a: Pick<Agent, 'display_name' | 'platform_user_id'>) => a.display_name ?? a.platform_user_id;

/** Says why a transfer did not happen, in the agent's words, and changes nothing. */
async function refuseRejected(ctx: ActionContext, err: unknown): Promise<false> {
  if (!(err instanceof TransitionRejected)) throw err;
  const by = err.current.assigneeName ? say(ctx.locale, 'transition.by', { agent: err.current.assigneeName }) : '';
  const status = t(ctx.locale, `status.${err.current.status as 'pending' | 'open' | 'resolved'}`).toLowerCase();
  await ctx.refuse(say(ctx.locale, 'transition.rejected', { status, by }));
  return false;
}

/**
 * Transfer to a department (DESIGN §5): pending, unassigned, in that department. The old
 * thread gets a last notice saying where the ticket went; a new thread opens in the
 * department's channel (later customer messages follow it there); the configured transfer
 * message goes to the customer.
 */
export async function transferToDepartment(ctx: ActionContext, dept: Department, reason: string): Promise<boolean> {
  const { tx, ticket, agent, locale, lanes } = ctx;
  const [from] = await tx<{ name: string }[]>`SELECT name FROM departments WHERE id = ${ticket.department_id}`;
  if (ticket.department_id === dept.id) {
    await ctx.refuse(say(locale, 'transfer.same_department', { department: dept.name }));
    return false;
  }
  try {
    await transition(tx, ticket.id, 'transfer_department', agent.id, { departmentId: dept.id });
  } catch (err) {
    return refuseRejected(ctx, err);
  }
  ticket.status = 'pending';
  ticket.assignee_id = null;
  ticket.department_id = dept.id;
  const why = reason ? say(locale, 'transfer.reason', { reason }) : '';
  const [old] = await tx<{ container_id: string; thread_id: string; platform: string }[]>`
    UPDATE thread_links SET is_current = false WHERE ticket_id = ${ticket.id} AND is_current RETURNING container_id, thread_id, platform`;
  if (old) {
    const leftId = await insertNotice(tx, ticket.id, say(locale, 'transfer.left', { department: dept.name, agent: nameOf(agent), why }));
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: leftId, thread: { containerId: old.container_id, threadId: old.thread_id, platform: old.platform } });
  }
  await lanes.add(agentLane(ticket.id), { kind: 'thread.open', ticketId: ticket.id });
  const arrivedId = await insertNotice(tx, ticket.id, say(locale, 'transfer.arrived', { department: from?.name ?? '?', agent: nameOf(agent), why }));
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: arrivedId });
  // The department's routing rule picks someone there, as for a ticket that opens in it.
  await routeNewTicket(tx, ticket, { locale, lanes });
  if (ctx.caps) await queueAutoMessage(tx, { ticketId: ticket.id, kind: 'transfer', agentId: agent.id, agentName: nameOf(agent), caps: ctx.caps, lanes });
  return true;
}

/**
 * Transfer to an agent: the ticket is theirs and open. Taking a ticket from someone who holds
 * it needs `confirm`, so nobody loses a conversation by accident.
 */
export async function transferToAgent(ctx: ActionContext, target: Agent, confirmed: boolean): Promise<boolean> {
  const { tx, ticket, agent, locale, lanes } = ctx;
  if (ticket.assignee_id === target.id) {
    await ctx.refuse(say(locale, 'transfer.already_theirs', { target: nameOf(target) }));
    return false;
  }
  const holder = ticket.assignee_id && ticket.assignee_id !== agent.id ? await findAgentById(tx, ticket.assignee_id) : undefined;
  if (ticket.status === 'open' && holder && !confirmed) {
    await ctx.refuse(say(locale, 'transfer.confirm', { holder: nameOf(holder), target: nameOf(target) }));
    return false;
  }
  try {
    await transition(tx, ticket.id, 'transfer_agent', target.id);
  } catch (err) {
    return refuseRejected(ctx, err);
  }
  ticket.status = 'open';
  ticket.assignee_id = target.id;
  await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
  const noticeId = await insertNotice(tx, ticket.id, say(locale, 'transfer.to_agent', { agent: nameOf(agent), target: nameOf(target) }));
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  // The one line that pings: whoever now holds the ticket is told (not someone who took it themselves).
  if (target.id !== agent.id) {
    const toldId = await insertNotice(tx, ticket.id, say(locale, 'routing.yours', { agent: mention(target.platform_user_id) }));
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: toldId });
  }
  return true;
}
