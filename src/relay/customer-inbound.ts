import type { Tx } from '../db/connect.js';
import type { CustomerMessageEvent } from '../core/events.js';
import { findConnection } from '../connections/repository.js';
import { upsertContactOnInbound } from '../contacts/repository.js';
import { insertInboundMessage, isLinked } from '../messages/repository.js';
import { findActiveTicket, openTicket } from '../tickets/repository.js';
import { LaneSet, agentLane } from './outbox.js';
import { ignored, type Outcome } from './outcome.js';
import { queueWelcome } from './auto-messages.js';
import { postContactNotes } from './annotations.js';
import { cancelCloseOnReply } from './scheduled-close.js';
import type { AgentInboundContext } from './agent-inbound.js';

/**
 * A customer's message, inside the ingest transaction:
 *  1. route on the business account (unknown accounts are recorded, not mirrored);
 *  2. find or create the contact, noting the time of their last message (the reply window);
 *  3. drop blocked contacts and redeliveries (the platform id is already linked);
 *  4. attach to the contact's active ticket, or open a new pending one (and its thread, and
 *     the greeting or, outside business hours, the away message);
 *  5. store the message and ask for it to be posted in the thread, in order.
 */
export async function handleCustomerMessage(tx: Tx, ev: CustomerMessageEvent, ctx: Pick<AgentInboundContext, 'capabilitiesOf' | 'locale'>): Promise<Outcome> {
  const connection = await findConnection(tx, ev.channel, ev.accountId);
  if (!connection) return ignored('unknown_account');

  const contact = await upsertContactOnInbound(tx, ev.channel, ev.contact, ev.occurredAt);
  if (contact.blocked) return ignored('blocked_contact');
  if (await isLinked(tx, ev.channel, ev.externalId)) return ignored('duplicate');

  const lanes = new LaneSet(tx);
  let ticket = await findActiveTicket(tx, contact.id, connection.id);
  if (ticket) {
    await cancelCloseOnReply(tx, ticket, ctx.locale, lanes);
    // The card shows the reply window; refresh it only when this message reopens one that was
    // closing or closed (a card update per message would spend Slack's rate limit).
    const hours = ctx.capabilitiesOf(ev.channel)?.windowHours;
    const prev = contact.previous_inbound_at;
    if (hours && prev && Date.parse(ev.occurredAt) - prev.getTime() > (hours - 2) * 3_600_000) {
      await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
    }
  }
  if (!ticket) {
    const opened = await openTicket(tx, { contactId: contact.id, connectionId: connection.id, departmentId: connection.department_id });
    ticket = opened.ticket;
    if (opened.created) {
      await lanes.add(agentLane(ticket.id), { kind: 'thread.open', ticketId: ticket.id });
      await postContactNotes(tx, { ticketId: ticket.id, contactId: contact.id, locale: ctx.locale, lanes });
      const caps = ctx.capabilitiesOf(ev.channel);
      if (caps) await queueWelcome(tx, { ticketId: ticket.id, caps, lanes, at: new Date(ev.occurredAt) });
    }
  }

  await insertInboundMessage(tx, {
    ticketId: ticket.id,
    body: ev.text,
    kind: ev.kind,
    occurredAt: ev.occurredAt,
    platform: ev.channel,
    externalId: ev.externalId,
    postLane: agentLane(ticket.id),
  });
  lanes.touched(agentLane(ticket.id));
  return { state: 'done', lanes: lanes.list() };
}
