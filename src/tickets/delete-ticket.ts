import * as audit from '../audit/repository.js';
import { say } from '../i18n/catalog.js';
import { isAdmin } from '../admin/permissions.js';
import { insertNotice } from '../messages/repository.js';
import { agentLane, customerLane } from '../pipeline/outbox.js';
import { tryHoldLanes } from '../pipeline/lane-lock.js';
import type { ActionContext } from './transitions.js';

/**
 * `!delete` and More → "Delete ticket" (admins), for privacy requests. Without the ticket's
 * protocol it only asks: the admin confirms by typing `!delete <protocol>`, the same on every
 * platform. Confirmed, in one transaction:
 *  1. the ticket's two lanes are held (a worker draining one means "try again": nothing is ever
 *     half sent) and their outbox rows, sent or not, are removed: nothing more goes out, and no
 *     row is left to fail or retry;
 *  2. its messages, their platform ids and the copies of their words in the inbox, its tags,
 *     its conversation-only comments and its scheduled messages are removed; the contact and
 *     their other tickets are not touched;
 *  3. the ticket row stays as a tombstone (protocol, thread, no content), resolved and marked
 *     deleted, so the card can say so and the audit log can name it;
 *  4. the audit log keeps who, when and the protocol; the thread says who deleted it, and the
 *     card shows it deleted, without controls. The customer is told nothing.
 */
export async function deleteTicket(actx: ActionContext, args: string, envAdmins: readonly string[]): Promise<void> {
  const { tx, ticket, agent, locale, lanes } = actx;
  if (!(await isAdmin(tx, envAdmins, agent.platform, agent.platform_user_id))) return actx.refuse(say(locale, 'delete.refused'));
  if (args.trim().toUpperCase() !== ticket.protocol.toUpperCase()) return actx.refuse(say(locale, 'delete.confirm', { protocol: ticket.protocol }));
  const ticketLanes = [agentLane(ticket.id), customerLane(ticket.id)];
  if (!(await tryHoldLanes(tx, ticketLanes))) return actx.refuse(say(locale, 'delete.busy', { protocol: ticket.protocol }));

  await tx`DELETE FROM outbox WHERE lane = ANY(${ticketLanes})`;
  const ids = (await tx<{ id: string }[]>`SELECT id FROM messages WHERE ticket_id = ${ticket.id}`).map((m) => m.id);
  const links = await tx<{ external_id: string }[]>`DELETE FROM message_links WHERE message_id = ANY(${ids}) RETURNING external_id`;
  // The inbox keeps each delivery (its dedupe key stops a redelivery); the words in it go.
  await tx`UPDATE inbound_events SET payload = ${tx.json({ redacted: 'ticket_deleted' })}, raw = NULL
    WHERE state <> 'pending' AND payload->>'externalId' = ANY(${links.map((l) => l.external_id)})`;
  await tx`UPDATE messages SET reacts_to = NULL WHERE reacts_to = ANY(${ids}) AND ticket_id <> ${ticket.id}`;
  await tx`DELETE FROM messages WHERE ticket_id = ${ticket.id}`;
  await tx`DELETE FROM ticket_tags WHERE ticket_id = ${ticket.id}`;
  await tx`DELETE FROM contact_notes WHERE ticket_id = ${ticket.id} AND scope = 'conversation'`;
  await tx`UPDATE contact_notes SET ticket_id = NULL WHERE ticket_id = ${ticket.id}`;
  await tx`DELETE FROM scheduled_messages WHERE ticket_id = ${ticket.id}`;
  const actor = `${agent.platform}:${agent.platform_user_id}`;
  // Resolved, so the contact's next message opens a new ticket; the timers find nothing due.
  await tx`UPDATE tickets SET status = 'resolved', resolved_at = COALESCE(resolved_at, now()), deleted_at = now(), deleted_by = ${actor},
      referral = NULL, close_reason = NULL, csat = NULL, csat_at = NULL, survey_sent_at = NULL, read_marked_id = NULL,
      scheduled_close_at = NULL, scheduled_close_by = NULL, scheduled_close_reason = NULL, updated_at = now()
    WHERE id = ${ticket.id}`;
  await audit.record(tx, actor, 'ticket.delete', { ticketId: ticket.id, protocol: ticket.protocol, messages: ids.length });

  const name = agent.display_name ?? agent.platform_user_id;
  const noticeId = await insertNotice(tx, ticket.id, say(locale, 'delete.done', { protocol: ticket.protocol, agent: name }));
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
}
