import type { OutboxKind } from './outbox.js';

/**
 * A card update that must wait (its bucket's allowance, a rate limit, a retry) does not hold its
 * lane: it keeps its place and its time, and the rows after it go meanwhile, so a customer's
 * message is never held by a card update. When its time comes it is the lane's head again and
 * goes first. Nothing is lost by letting the rows after it pass: a card is drawn from the ticket
 * as it is when its row runs, so it shows the latest state whenever that is; and it is still
 * after the thread's opening and after every change it shows (those came before it). Only the
 * row's time is written (as for any retry), so a crash leaves it where it was, once. A later card
 * update of the same ticket that the lane reaches meanwhile is settled without a call: the
 * waiting one will draw the latest state (coalesce.ts).
 */
export function waitingCard(row: { kind: OutboxKind; next_attempt_at: Date }): boolean {
  return row.kind === 'card.update' && row.next_attempt_at.getTime() > Date.now();
}
