import type { Tx } from '../db/connect.js';
import type { CustomerMessageEvent } from '../core/events.js';
import type { Connection } from '../connections/repository.js';
import { findMessageByLink, insertInboundMessage, isLinked } from '../messages/repository.js';
import { findActiveTicket } from '../tickets/repository.js';
import { findContact } from '../contacts/repository.js';
import { LaneSet, agentLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';

type Revision = NonNullable<CustomerMessageEvent['revision']>;

/** The stored kinds of a revision's line, which `postToThread` words as edited or deleted. */
export const REVISION_KIND = { edit: 'edited', delete: 'deleted' } as const satisfies Record<Revision['action'], string>;

/** The mark left on the original's copy in the thread. */
const MARK: Record<Revision['action'], string> = { edit: '✏️', delete: '🗑️' };

/**
 * The customer edited or deleted an earlier message, inside the ingest transaction:
 *  1. drop blocked contacts and redeliveries (the revision's own id is already linked);
 *  2. find the ticket: the edited or deleted message's own (resolved or not), else the
 *     contact's active ticket; a revision never opens a ticket (a deletion after a resolve is
 *     recorded, not a new conversation);
 *  3. post a line in the thread quoting the original (the edit's new words, or "deleted this
 *     message") and mark the original's copy, which stays as the agent saw it.
 * It is not a new message from the customer: the reply window and a scheduled close stay as they were.
 */
export async function handleRevision(tx: Tx, connection: Connection, ev: CustomerMessageEvent, revision: Revision): Promise<Outcome> {
  const contact = await findContact(tx, ev.channel, ev.contact);
  if (contact?.blocked) return ignored('blocked_contact');
  if (await isLinked(tx, ev.channel, ev.externalId)) return ignored('duplicate');

  const target = await findMessageByLink(tx, ev.channel, revision.targetExternalId);
  const ticketId = target?.ticket_id ?? (contact ? (await findActiveTicket(tx, contact.id, connection.id))?.id : undefined);
  if (!ticketId) return ignored(revision.action === 'edit' ? 'edit_of_unknown_message' : 'deletion_of_unknown_message');

  const lanes = new LaneSet(tx);
  await insertInboundMessage(tx, {
    ticketId,
    body: ev.text,
    kind: REVISION_KIND[revision.action],
    occurredAt: ev.occurredAt,
    platform: ev.channel,
    externalId: ev.externalId,
    postLane: agentLane(ticketId),
    quote: target ? target.body : null,
  });
  lanes.touched(agentLane(ticketId));
  if (target) await lanes.add(agentLane(ticketId), { kind: 'reaction.add', messageId: target.id, name: MARK[revision.action] });
  return { state: 'done', lanes: lanes.list() };
}
