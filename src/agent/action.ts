import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { AgentActionEvent } from '../core/events.js';
import type { Agent } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { findTicket } from '../tickets/repository.js';
import type { AgentInboundContext } from './inbound.js';
import { LaneSet, agentLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';
import { runTicketCommand, type ActionContext } from '../tickets/transitions.js';
import { transferToAgent, transferToDepartment } from '../tickets/transfer.js';
import { setContactBlocked } from '../tickets/blocking.js';
import { contactCommand, saveContactDetails, tagCommand } from '../tickets/annotations.js';
import { findAgent } from '../agents/repository.js';
import { findDepartmentById } from '../departments/repository.js';
import { say } from '../i18n/catalog.js';
import { insertMessage, insertNotice } from '../messages/repository.js';
import { scheduleClose } from '../timers/scheduled-close.js';
import { sendTemplate } from '../tickets/template-send.js';
import { actionOriginRefusal } from './action-origin.js';
import { historyCommand, transcriptCommand } from '../tickets/history-commands.js';
import { deleteTicket } from '../tickets/delete-ticket.js';

/**
 * A card button: the same guarded action as the `!` command, but a refusal ("already open by
 * Maria") is shown only to the person who pressed, not to the whole thread. A control used
 * anywhere but the ticket's own thread (or home, for the department's agents) is refused first.
 */
export async function handleAgentAction(tx: Tx, ev: AgentActionEvent, agent: Agent, ctx: AgentInboundContext): Promise<Outcome> {
  const ticket = await findTicket(tx, ev.ticketId);
  if (!ticket || ticket.deleted_at) return ignored('unknown_ticket');
  const lanes = new LaneSet(tx);
  const caps = ctx.capabilitiesOf((await getConnection(tx, ticket.connection_id)).channel);
  const refuse = (text: Rich) => lanes.add(agentLane(ticket.id), { kind: 'agent.notify', ticketId: ticket.id, userId: ev.userId, text });
  const actx = { tx, ticket, agent, locale: ctx.locale, caps, lanes, refuse };
  // A control acts only from the ticket's own thread, or from home for its department's agents.
  const misplaced = await actionOriginRefusal(tx, ev, ticket, agent, { locale: ctx.locale, envAdmins: ctx.envAdmins });
  if (misplaced) {
    await refuse(misplaced);
    return { state: 'done', reason: 'refused_origin', lanes: lanes.list() };
  }
  if (ev.note) {
    // A note written in a form: posted in the thread by Ponte, under the author's name.
    const name = agent.display_name ?? agent.platform_user_id;
    await insertMessage(tx, { ticketId: ticket.id, direction: 'note', body: ev.note, kind: 'form', authorAgentId: agent.id });
    const noticeId = await insertNotice(tx, ticket.id, say(ctx.locale, 'thread.form_note', { agent: name, text: ev.note }));
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  }
  if (ev.tags) await tagCommand(actx, ev.tags, true);
  if (ev.action === 'note') return { state: 'done', lanes: lanes.list() };
  if (ev.action === 'resolve' && ev.delayMs) {
    await scheduleClose(actx, { delayMs: ev.delayMs, keepOnReply: ev.keepOnReply ?? false, silent: ev.silent ?? false, reason: ev.reason ?? '', arm: ctx.armClose });
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'transfer') {
    await transfer(actx, ev);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'block' || ev.action === 'unblock') {
    await setContactBlocked(actx, ev.action === 'block');
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'template' && ev.template) {
    await sendTemplate(actx, ev.template);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'contact') {
    await contactCommand(actx, '');
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'contact_edit' && ev.contact) {
    await saveContactDetails(actx, ev.contact);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'history' || ev.action === 'transcript') {
    await (ev.action === 'history' ? historyCommand(actx) : transcriptCommand(actx, ''));
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'delete') {
    // The menu only asks: the admin confirms by typing `!delete <protocol>` in the thread.
    await deleteTicket(actx, '', ctx.envAdmins ?? []);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'phone') {
    await showPhone(actx, ev, ctx.envAdmins ?? []);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ev.action === 'return') {
    await runTicketCommand(actx, { action: 'return' });
    return { state: 'done', lanes: lanes.list() };
  }
  const cmd = ev.action === 'accept' ? ({ action: 'accept' } as const) : ({ action: 'resolve', silent: ev.silent ?? false, reason: ev.reason, farewell: ev.farewell, fields: ev.closeFields } as const);
  await runTicketCommand(actx, cmd);
  return { state: 'done', lanes: lanes.list() };
}

/** The transfer modal: a person (the modal itself is the confirmation) or a department. */
async function transfer(actx: ActionContext, ev: AgentActionEvent): Promise<void> {
  const target = ev.target;
  if (target && 'userId' in target) {
    const person = await findAgent(actx.tx, ev.platform, target.userId);
    if (!person) return actx.refuse(say(actx.locale, 'transfer.unknown_agent'));
    await transferToAgent(actx, person, true);
    return;
  }
  const dept = target ? await findDepartmentById(actx.tx, target.departmentId) : undefined;
  if (!dept) return actx.refuse(say(actx.locale, 'transfer.usage'));
  await transferToDepartment(actx, dept, ev.reason ?? '');
}

/**
 * The card masks the phone for the whole channel; the full number goes, privately, only to an
 * agent of the ticket's department or an admin.
 */
async function showPhone(actx: ActionContext, ev: AgentActionEvent, envAdmins: readonly string[]): Promise<void> {
  const { tx, ticket, agent } = actx;
  const [facts] = await tx<{ phone: string | null; name: string | null; department: string; member: boolean }[]>`
    SELECT ct.phone, ct.name, d.name AS department,
           EXISTS (SELECT 1 FROM agent_departments ad WHERE ad.agent_id = ${agent.id} AND ad.department_id = t.department_id) AS member
    FROM tickets t JOIN contacts ct ON ct.id = t.contact_id JOIN departments d ON d.id = t.department_id
    WHERE t.id = ${ticket.id}`;
  if (!facts?.phone) return;
  const allowed = facts.member || agent.role === 'admin' || agent.platform_admin || envAdmins.includes(`${ev.platform}:${ev.userId}`);
  if (!allowed) return actx.refuse(say(actx.locale, 'phone.refused', { department: facts.department }));
  const digits = facts.phone.replace(/\D/g, '');
  await actx.lanes.add(agentLane(ticket.id), { kind: 'agent.notify', ticketId: ticket.id, userId: ev.userId, text: say(actx.locale, 'phone.shown', { name: facts.name ?? '', phone: `+${digits}` }) });
}
