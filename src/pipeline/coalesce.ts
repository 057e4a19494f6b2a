import type { Sql } from '../db/connect.js';
import type { OutboxKind } from './outbox.js';

/**
 * Whether a `card.update` row is superseded: a later `card.update` for the same ticket waits in
 * the same lane. A card is rendered from the ticket's state when its row is performed, so the
 * later row shows the latest state anyway, and this one is settled without calling the platform
 * (a card is never updated more often than needed). The later row keeps its place in the lane,
 * so order holds; nothing is posted, so no post can be lost or doubled.
 */
export async function supersededCard(sql: Sql, row: { id: string; lane: string; kind: OutboxKind; payload: Record<string, unknown> }): Promise<boolean> {
  if (row.kind !== 'card.update') return false;
  const [later] = await sql`
    SELECT 1 FROM outbox
    WHERE lane = ${row.lane} AND kind = 'card.update' AND state = 'pending' AND id > ${row.id}
      AND payload->>'ticketId' = ${String(row.payload.ticketId)}
    LIMIT 1`;
  return later !== undefined;
}
