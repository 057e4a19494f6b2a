import type { Tx } from '../db/connect.js';
import type { CustomerStatusEvent } from '../core/events.js';
import { advanceDelivery, findMessageByLink, insertMessage } from '../messages/repository.js';
import { t, type Locale } from '../i18n/catalog.js';
import { LaneSet, agentLane } from './outbox.js';
import { ignored, type Outcome } from './outcome.js';
import { DELIVERY_MARK } from './delivery-marks.js';

/**
 * A delivery status for one of our messages. Statuses arrive late, twice and out of order:
 * they only ever move a message forward, and each step forward is marked on the agent's
 * message in the thread. A failure is also explained there.
 */
export async function handleCustomerStatus(tx: Tx, ev: CustomerStatusEvent, locale: Locale): Promise<Outcome> {
  if (!ev.externalId) return ignored('watermark');
  const message = await findMessageByLink(tx, ev.channel, ev.externalId);
  if (!message) return ignored('unknown_message');
  const reason = ev.error ? `${ev.error.title} (${ev.error.code})${ev.error.detail ? `: ${ev.error.detail}` : ''}` : undefined;
  const moved = await advanceDelivery(tx, message.id, ev.status, reason);
  if (!moved) return ignored('stale_status');

  const lanes = new LaneSet(tx);
  const mark = DELIVERY_MARK[ev.status];
  if (mark) await lanes.add(agentLane(message.ticket_id), { kind: 'reaction.add', messageId: message.id, name: mark });
  if (ev.status !== 'failed') return { state: 'done', lanes: lanes.list() };

  const noticeId = await insertMessage(tx, {
    ticketId: message.ticket_id,
    direction: 'system',
    body: t(locale, 'delivery.failed', { reason: reason ?? 'unknown error' }),
  });
  await lanes.add(agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
  return { state: 'done', lanes: lanes.list() };
}
