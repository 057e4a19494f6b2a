import type { Sql } from '../db/connect.js';

/**
 * A card update that must wait (its bucket's allowance, a rate limit, a retry) goes behind the
 * rows waiting after it in its lane, instead of holding them: a customer's message is never held
 * by a card update. Nothing is lost by moving it later. A card is drawn from the ticket as it is
 * when its row runs, so it shows the latest state whenever that is. Nothing it must follow is
 * passed: rows only move later, so it stays after the thread's opening and after every change it
 * shows. The row keeps itself (payload, attempts, created_at: its place in the pacer's line) and
 * takes the lane's next id, in one statement: a crash leaves it either where it was or behind,
 * never twice and never gone. A later card update of the same ticket still supersedes it
 * (coalesce.ts). With no row behind it, nothing moves (false): the lane waits for it as before.
 */
export async function moveCardBehind(
  sql: Sql,
  row: { id: string; lane: string; kind: string; attempts: number },
  to: { at: Date; attempts: number; error: string | null },
): Promise<boolean> {
  if (row.kind !== 'card.update') return false;
  const [moved] = await sql`
    UPDATE outbox SET id = nextval(pg_get_serial_sequence('outbox', 'id')), next_attempt_at = ${to.at},
      attempts = ${to.attempts}, last_error = COALESCE(${to.error}, last_error)
    WHERE id = ${row.id} AND state = 'pending' AND attempts = ${row.attempts}
      AND EXISTS (SELECT 1 FROM outbox b WHERE b.lane = ${row.lane} AND b.id > ${row.id} AND b.state IN ('pending', 'sending'))
    RETURNING id`;
  return moved !== undefined;
}
