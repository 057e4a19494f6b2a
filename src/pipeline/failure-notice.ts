import type { HealthKind } from '../connections/repository.js';
import type { Db, Sql } from '../db/connect.js';
import type { DeliveryErrorClass } from '../core/errors.js';
import { getMessage, insertNotice } from '../messages/repository.js';
import { maskPhone } from '../contacts/mask.js';
import { say, type Locale, type MessageKey } from '../i18n/catalog.js';
import { agentLane, announceLane, enqueue } from './outbox.js';
import { connectionOfTicket, connectionTroubled } from './connection-health.js';

/** The notice for a send that failed, by why: each names the way out. */
function noticeKey(errorClass: DeliveryErrorClass | undefined, templates: boolean): MessageKey {
  switch (errorClass) {
    case 'window_closed':
      // A closed window's way out is a template, where the channel has them (WhatsApp).
      return templates ? 'delivery.window_closed' : 'delivery.window_closed_no_templates';
    case 'invalid_recipient':
      return 'delivery.invalid_recipient';
    case 'auth':
      return 'delivery.auth';
    default:
      return 'delivery.failed';
  }
}

/**
 * Tells the ticket's thread that a message to the customer failed, and why, whether the
 * platform refused it at once (dispatch) or later (a failed status). A closed window offers
 * the template picker; a refused token also marks the connection and alerts its channel once.
 * Returns the lanes to wake.
 */
export async function explainSendFailure(
  db: Db,
  o: { ticketId: string; errorClass: DeliveryErrorClass | undefined; reason: string; templates: boolean; locale: Locale },
): Promise<string[]> {
  const key = noticeKey(o.errorClass, o.templates);
  const noticeId = await insertNotice(db, o.ticketId, say(o.locale, key, { reason: o.reason }));
  await enqueue(db, agentLane(o.ticketId), { kind: 'thread.post', messageId: noticeId, ...(key === 'delivery.window_closed' ? { offerTemplates: true } : {}) });
  const lanes = [agentLane(o.ticketId)];
  if (o.errorClass === 'auth') lanes.push(...(await connectionTroubled(db, await connectionOfTicket(db, o.ticketId), o.reason, o.locale)));
  return lanes;
}

/**
 * A post into a ticket's thread failed for good (refused, or transient trouble that outlasted
 * its retries). A customer's message must never vanish silently (guarantee 4): the thread gets
 * a notice in its place (if the thread itself still takes posts), and the connection shows the
 * reason in `/ponte status` until `/ponte retry` shows the message. A notice that fails is not
 * explained by another notice.
 */
export async function explainNotShown(db: Db, o: { messageId: string; reason: string; locale: Locale }): Promise<string[]> {
  const message = await getMessage(db, o.messageId);
  if (message.direction === 'system') return [];
  await markConnection(db, message.ticket_id, 'not_shown', o.reason);
  const noticeId = await insertNotice(db, message.ticket_id, say(o.locale, 'thread.not_shown', { reason: o.reason }));
  await enqueue(db, agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
  return [agentLane(message.ticket_id)];
}

/**
 * A new ticket's thread could not be created: there is no thread to explain it in, so the
 * connection's channel is told (who wrote, why, the way out) and `/ponte status` shows it.
 */
export async function explainNoThread(db: Db, o: { ticketId: string; reason: string; locale: Locale }): Promise<string[]> {
  const connectionId = await markConnection(db, o.ticketId, 'no_thread', o.reason);
  const [c] = await db<{ name: string | null; phone: string | null; external_id: string }[]>`
    SELECT ct.name, ct.phone, ct.external_id FROM tickets t JOIN contacts ct ON ct.id = t.contact_id WHERE t.id = ${o.ticketId}`;
  const customer = c ? (c.name ?? maskPhone(c.phone) ?? c.external_id) : '?';
  await enqueue(db, announceLane(connectionId), { kind: 'channel.announce', connectionId, text: say(o.locale, 'thread.not_opened', { customer, reason: o.reason }) });
  return [announceLane(connectionId)];
}

async function markConnection(db: Db, ticketId: string, kind: HealthKind, reason: string): Promise<string> {
  const connectionId = await connectionOfTicket(db, ticketId);
  await db`UPDATE connections SET healthy = false, health_kind = ${kind}, health_reason = ${reason}, updated_at = now() WHERE id = ${connectionId}`;
  return connectionId;
}

/** The row fileNoticeInPlace hands back, in the shape the dispatch worker performs. */
type NoticeRow = { id: string; lane: string; kind: 'thread.post'; payload: Record<string, unknown>; state: 'pending'; attempts: number; next_attempt_at: Date; created_at: Date };

/**
 * A customer's file that could not come after its tries becomes the file's notice in the very
 * outbox row that was fetching it: the row keeps its place in the lane, so the notice shows
 * where the file would have been, before the customer's later messages (guarantee 3 and 8).
 * Returns the row, now a pending thread.post, for the lane to perform next.
 */
export async function fileNoticeInPlace(
  db: Sql,
  o: { rowId: string; messageId: string; reason: string; locale: Locale },
): Promise<NoticeRow> {
  return db.begin(async (tx) => {
    const message = await getMessage(tx, o.messageId);
    const noticeId = await insertNotice(tx, message.ticket_id, say(o.locale, 'media.not_mirrored', { reason: o.reason }));
    const [row] = await tx<NoticeRow[]>`
      UPDATE outbox SET kind = 'thread.post', payload = ${tx.json({ messageId: noticeId })}, state = 'pending', attempts = 0,
        next_attempt_at = now(), last_error = ${o.reason}
      WHERE id = ${o.rowId}
      RETURNING id, lane, kind, payload, state, attempts, next_attempt_at, created_at`;
    return row!;
  });
}
