import type { Db } from '../db/connect.js';
import type { DeliveryErrorClass } from '../core/errors.js';
import { insertMessage } from '../messages/repository.js';
import { t, type Locale, type MessageKey } from '../i18n/catalog.js';
import { literal } from '../core/agent-text.js';
import { agentLane, enqueue } from './outbox.js';
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
  const noticeId = await insertMessage(db, { ticketId: o.ticketId, direction: 'system', body: t(o.locale, key, { reason: literal(o.reason) }) });
  await enqueue(db, agentLane(o.ticketId), { kind: 'thread.post', messageId: noticeId, ...(key === 'delivery.window_closed' ? { offerTemplates: true } : {}) });
  const lanes = [agentLane(o.ticketId)];
  if (o.errorClass === 'auth') lanes.push(...(await connectionTroubled(db, await connectionOfTicket(db, o.ticketId), o.reason, o.locale)));
  return lanes;
}
