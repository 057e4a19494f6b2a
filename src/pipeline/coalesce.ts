import type { Sql } from '../db/connect.js';
import type { OutboxKind } from './outbox.js';

/**
 * Whether a `card.update` row is superseded: another `card.update` for the same ticket waits in
 * the same lane, either later (the usual case) or earlier, waiting for its time while the rows
 * after it go (card-deferral.ts). A card is rendered from the ticket's state when its row is
 * performed, and the other row runs after this point either way, so it shows the latest state
 * anyway, and this one is settled without calling the platform (a card is never updated more
 * often than needed). The other row keeps its place in the lane, so order holds; nothing is
 * posted, so no post can be lost or doubled. Of two such rows, the lane (one worker) settles
 * the one it reaches first, and the other then stands alone.
 */
export async function supersededCard(sql: Sql, row: { id: string; lane: string; kind: OutboxKind; payload: Record<string, unknown> }): Promise<boolean> {
  if (row.kind !== 'card.update') return false;
  const [later] = await sql`
    SELECT 1 FROM outbox
    WHERE lane = ${row.lane} AND kind = 'card.update' AND state = 'pending' AND id <> ${row.id}
      AND payload->>'ticketId' = ${String(row.payload.ticketId)}
    LIMIT 1`;
  return later !== undefined;
}
