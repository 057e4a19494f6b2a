import type { Tx } from '../db/connect.js';
import type { Locale } from '../i18n/catalog.js';
import type { LaneSet } from '../pipeline/outbox.js';
import type { Ticket } from './repository.js';
import { routeNewTicket } from './routing.js';
import { mentionAfterQuiet } from './quiet-mention.js';

/**
 * After a customer's message is stored: a ticket it opened is routed by its department's rule
 * (the assignee is mentioned); a message after a quiet period mentions the assignee.
 */
export async function tellAssignee(tx: Tx, ticket: Ticket, m: { isNew: boolean; messageId: string; at: string; locale: Locale; lanes: LaneSet }): Promise<void> {
  if (m.isNew) await routeNewTicket(tx, ticket, m);
  else await mentionAfterQuiet(tx, ticket, m);
}
