import type { Tx } from '../db/connect.js';
import type { CustomerStatusEvent, DeliveryState } from '../core/events.js';
import { advanceDelivery, findMessageByLink, type Message } from '../messages/repository.js';
import type { Locale } from '../i18n/catalog.js';
import { LaneSet, agentLane, customerLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';
import { DELIVERY_MARK } from './delivery-marks.js';
import { explainSendFailure } from '../pipeline/failure-notice.js';

/** A part the platform failed with "try later" is sent again this many times, then reported. */
export const MAX_LATE_RETRIES = 3;
const LATE_RETRY_DELAY_MS = 60_000;

/**
 * A delivery status for one of our messages. Statuses arrive late, twice and out of order:
 * they only ever move a message forward, and each step forward is marked on the agent's
 * message in the thread. A failure is explained there, with the way out for its kind; a
 * failure that means "try later" (throughput, too many messages to one user) is not a failure
 * yet: that part is sent again after a pause, at the head of its lane so order holds.
 */
export async function handleCustomerStatus(tx: Tx, ev: CustomerStatusEvent, locale: Locale, templates: boolean): Promise<Outcome> {
  if (!ev.externalId) return ev.watermark ? watermark(tx, ev, ev.watermark) : ignored('no_message_id');
  const message = await findMessageByLink(tx, ev.channel, ev.externalId);
  if (!message) return ignored('unknown_message');
  const cls = ev.error?.errorClass;
  if (ev.status === 'failed' && (cls === 'rate_limited' || cls === 'transient')) {
    const lanes = await sendPartAgain(tx, message, ev.channel, ev.externalId);
    if (lanes) return { state: 'done', lanes };
  }
  const reason = ev.error ? `${ev.error.title} (${ev.error.code})${ev.error.detail ? `: ${ev.error.detail}` : ''}` : undefined;
  const moved = await advanceDelivery(tx, message.id, ev.status, reason);
  if (!moved) return ignored('stale_status');

  const lanes = new LaneSet(tx);
  const mark = DELIVERY_MARK[ev.status];
  if (mark) await lanes.add(agentLane(message.ticket_id), { kind: 'reaction.add', messageId: message.id, name: mark });
  if (ev.status !== 'failed') return { state: 'done', lanes: lanes.list() };

  const explained = await explainSendFailure(tx, { ticketId: message.ticket_id, errorClass: cls, reason: reason ?? 'unknown error', templates, locale });
  for (const lane of explained) lanes.touched(lane);
  return { state: 'done', lanes: lanes.list() };
}

/**
 * Queues the failed part again (a copy of its outbox row, due after a pause), unless it was
 * tried too often already; undefined → report it as failed.
 */
async function sendPartAgain(tx: Tx, message: Message, channel: string, externalId: string): Promise<string[] | undefined> {
  const [link] = await tx<{ part: number | null; tries: number }[]>`
    SELECT l.part, (SELECT count(*)::int FROM message_links x WHERE x.message_id = l.message_id AND x.platform = l.platform AND x.part IS NOT DISTINCT FROM l.part) AS tries
    FROM message_links l WHERE l.platform = ${channel} AND l.external_id = ${externalId}`;
  if (!link || link.tries >= MAX_LATE_RETRIES) return undefined;
  const lane = customerLane(message.ticket_id);
  const rows = await tx`
    INSERT INTO outbox (lane, kind, payload, next_attempt_at)
    SELECT lane, kind, payload, now() + ${`${LATE_RETRY_DELAY_MS * link.tries} milliseconds`}::interval FROM outbox
    WHERE lane = ${lane} AND payload->>'messageId' = ${message.id} AND (payload->>'part')::int IS NOT DISTINCT FROM ${link.part}::int
    ORDER BY id DESC LIMIT 1
    RETURNING id`;
  return rows.length ? [lane] : undefined;
}

/** Messenger/Instagram: everything we sent this contact up to `until` has reached `status`. */
async function watermark(tx: Tx, ev: CustomerStatusEvent, until: string): Promise<Outcome> {
  const rank: Record<DeliveryState, number> = { sent: 2, delivered: 3, read: 4, failed: 5 };
  const moved = await tx<{ id: string; ticket_id: string }[]>`
    UPDATE messages m SET delivery_status = ${ev.status}
    FROM tickets t, connections c, contacts ct
    WHERE m.ticket_id = t.id AND c.id = t.connection_id AND ct.id = t.contact_id
      AND c.channel = ${ev.channel} AND c.account_id = ${ev.accountId}
      AND ct.channel = ${ev.channel} AND ct.external_id = ${ev.contactExternalId}
      AND m.direction = 'outbound' AND m.sent_at <= ${until}::timestamptz
      AND m.sent_at > ${until}::timestamptz - interval '8 days'
      AND CASE m.delivery_status WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 ELSE 9 END < ${rank[ev.status]}
    RETURNING m.id, m.ticket_id`;
  if (moved.length === 0) return ignored('stale_status');
  const lanes = new LaneSet(tx);
  const mark = DELIVERY_MARK[ev.status];
  if (mark) for (const m of moved) await lanes.add(agentLane(m.ticket_id), { kind: 'reaction.add', messageId: m.id, name: mark });
  return { state: 'done', lanes: lanes.list() };
}
