import type { Rich } from '../core/rich-text.js';
import { code } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { findAgentById, type Agent } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { insertMessage, insertNotice } from '../messages/repository.js';
import { getSignaturePolicy } from '../settings/repository.js';
import { findActiveTicket, findTicket, openTicket, type Ticket } from '../tickets/repository.js';
import { say, type Locale, type MessageKey } from '../i18n/catalog.js';
import { signReply, splitText } from '../agent/compose-reply.js';
import { LaneSet, agentLane, customerLane } from '../pipeline/outbox.js';
import { replyWindow } from '../customer/reply-window.js';
import { sendTemplate } from '../tickets/template-send.js';
import type { FailureReason, Scheduled } from './scheduled-store.js';

export type ArmMessage = (scheduledId: string, at: Date) => Promise<void>;

export interface FireOptions {
  locale: Locale;
  capabilitiesOf(channel: string): ChannelCapabilities | undefined;
}

async function notice(tx: Tx, ticketId: string, lanes: LaneSet, text: Rich): Promise<void> {
  const id = await insertNotice(tx, ticketId, text);
  await lanes.add(agentLane(ticketId), { kind: 'thread.post', messageId: id });
}

/**
 * A scheduled message's wake-up, in one transaction with the row locked: if it is still pending
 * and due, it goes (the text inside the reply window, else its template) or fails with the
 * reason, and the row says which. The mark and the sends it queues commit together, so a
 * restart or a lost Redis neither repeats it nor loses it.
 *
 * A message scheduled in a ticket's thread belongs to that ticket: resolved by then, it fails.
 * One scheduled for a contact goes to their open ticket, or opens one (with its thread).
 */
export async function fireScheduledMessage(tx: Tx, scheduledId: string, o: FireOptions): Promise<string[]> {
  // The row locked, with its contact's block and reply window read in the same statement.
  const [due] = await tx<(Scheduled & { blocked: boolean; last_inbound_at: Date | null })[]>`
    SELECT m.id, m.ticket_id, m.contact_id, m.connection_id, m.author_agent_id, m.body, m.send_at, m.state, m.template, m.failure,
      c.blocked, c.last_inbound_at
    FROM scheduled_messages m JOIN contacts c ON c.id = m.contact_id
    WHERE m.id = ${scheduledId} AND m.state = 'pending' AND m.send_at <= now() FOR UPDATE OF m`;
  if (!due) return [];
  const lanes = new LaneSet(tx);
  const fail = async (reason: FailureReason, ticket: Ticket | undefined, extra?: Rich) => {
    await tx`UPDATE scheduled_messages SET state = 'failed', failure = ${reason}, done_at = now() WHERE id = ${due.id}`;
    if (!ticket) return lanes.list();
    const why = say(o.locale, `scheduled.reason.${reason}` as MessageKey);
    await notice(tx, ticket.id, lanes, say(o.locale, 'scheduled.failed', { id: due.id, reason: why, text: due.body || due.template?.name || '' }));
    if (extra) await notice(tx, ticket.id, lanes, extra);
    return lanes.list();
  };

  const own = due.ticket_id ? await findTicket(tx, due.ticket_id) : undefined;
  if (own?.status === 'resolved') return fail('closed_ticket', own);
  let ticket = own ?? (await findActiveTicket(tx, due.contact_id, due.connection_id));
  if (due.blocked) return fail('blocked', ticket);
  const connection = await getConnection(tx, due.connection_id);
  const caps = o.capabilitiesOf(connection.channel);
  const agent = await findAgentById(tx, due.author_agent_id);
  if (!caps || !agent) return fail('no_channel', ticket);
  const window = replyWindow(caps, due.last_inbound_at);
  const asText = due.body !== '' && window !== 'closed';
  if (!asText && !due.template) return fail('window_closed', ticket);

  const open = async (db: Tx, into: LaneSet): Promise<Ticket> => {
    const { ticket: made } = await openTicket(db, { contactId: due.contact_id, connectionId: due.connection_id, departmentId: connection.department_id });
    await into.add(agentLane(made.id), { kind: 'thread.open', ticketId: made.id });
    return made;
  };
  if (asText) {
    ticket ??= await open(tx, lanes);
    await sendText(tx, ticket, agent, due, caps, window === 'human_agent', lanes);
    await notice(tx, ticket.id, lanes, say(o.locale, 'scheduled.sent', { text: due.body }));
  } else {
    // A refused template (renamed, wrong parameters) must not leave a half-made ticket behind:
    // its work is undone to a savepoint and the row fails with the refusal beside it.
    const refusals: Rich[] = [];
    const existing = ticket;
    const made = await tx.savepoint(async (sp) => {
      const db = sp as unknown as Tx;
      const inner = new LaneSet(db);
      const target = existing ?? (await open(db, inner));
      const actx = { tx: db, ticket: target, agent, locale: o.locale, caps, lanes: inner, refuse: async (r: Rich) => void refusals.push(r) };
      await sendTemplate(actx, due.template!);
      if (refusals.length) throw new TemplateRefused();
      return { target, lanes: inner.list() };
    }).catch((err: unknown) => (err instanceof TemplateRefused ? undefined : Promise.reject(err)));
    if (!made) return fail('template', existing, refusals[0]);
    ticket = made.target;
    for (const lane of made.lanes) lanes.touched(lane);
    await notice(tx, ticket.id, lanes, say(o.locale, 'scheduled.sent_template', { name: code(due.template!.name) }));
  }
  await tx`UPDATE scheduled_messages SET state = 'sent', ticket_id = ${ticket.id}, done_at = now() WHERE id = ${due.id}`;
  return lanes.list();
}

class TemplateRefused extends Error {}

/** The text, signed as its author and split to the channel's limit, on the customer lane. */
async function sendText(tx: Tx, ticket: Ticket, agent: Agent, due: Scheduled, caps: ChannelCapabilities, humanAgent: boolean, lanes: LaneSet): Promise<void> {
  const policy = await getSignaturePolicy(tx);
  const body = signReply(agent.signature_enabled || policy.locked ? agent.display_name : null, due.body, caps, policy.format);
  const messageId = await insertMessage(tx, { ticketId: ticket.id, direction: 'outbound', body, kind: 'scheduled', authorAgentId: agent.id, deliveryStatus: 'queued' });
  for (const [part, text] of splitText(body, caps.maxTextLength, caps.textUnit).entries()) {
    await lanes.add(customerLane(ticket.id), { kind: 'customer.send', messageId, part, text, ...(humanAgent ? { humanAgent: true } : {}) });
  }
}
