import type { Tx } from '../db/connect.js';
import { customerLane, type LaneSet } from '../pipeline/outbox.js';
import { REVISION_KIND } from './revisions.js';

/**
 * When an agent accepts or replies, the customer sees their messages as read (WhatsApp blue
 * ticks, Messenger "seen"): the newest customer message not yet marked is, which covers the
 * ones before it. It goes on the customer lane, before the reply it comes with. Callers queue
 * it only inside the window: after it, the platforms refuse anything but templates or tagged
 * human replies.
 */
export async function queueMarkRead(tx: Tx, ticketId: string, lanes: LaneSet): Promise<void> {
  const [row] = await tx<{ id: string }[]>`
    WITH newest AS (
      SELECT m.id FROM messages m
      -- A reaction, an edit or a deletion is about an earlier message, not a message to mark read.
      WHERE m.ticket_id = ${ticketId} AND m.direction = 'inbound' AND m.kind NOT IN ('reaction', ${REVISION_KIND.edit}, ${REVISION_KIND.delete})
      ORDER BY m.id DESC LIMIT 1)
    UPDATE tickets t SET read_marked_id = newest.id FROM newest
    WHERE t.id = ${ticketId} AND (t.read_marked_id IS NULL OR t.read_marked_id < newest.id)
    RETURNING newest.id`;
  if (row) await lanes.add(customerLane(ticketId), { kind: 'customer.read', messageId: row.id });
}
