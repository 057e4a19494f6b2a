import type { Sql } from '../db/connect.js';
import type { TimerKind, TimerWake } from '../queue/queues.js';

/**
 * Every kind of timer, with the query that finds its rows due before a horizon (overdue ones
 * included). The sweeper re-arms what these return, so each must read only the rows due in the
 * window, through a partial index on the due time: then a sweep costs what is due, not what is
 * scheduled (test/e2e/query-plans.test.ts checks the plans). A new kind of timer adds a line.
 */
export const DUE_TIMERS: Record<TimerKind, (sql: Sql, horizonMs: number) => Promise<{ id: string; at: Date }[]>> = {
  // tickets_scheduled_close (migration 0006): scheduled_close_at WHERE scheduled_close_at IS NOT NULL.
  close: (sql, horizonMs) => sql<{ id: string; at: Date }[]>`
    SELECT id, scheduled_close_at AS at FROM tickets
    WHERE scheduled_close_at IS NOT NULL AND scheduled_close_at < now() + ${horizonMs} * interval '1 millisecond'
      AND status <> 'resolved'`,
  // scheduled_messages_due (migration 0009): send_at WHERE state = 'pending'.
  message: (sql, horizonMs) => sql<{ id: string; at: Date }[]>`
    SELECT id, send_at AS at FROM scheduled_messages
    WHERE state = 'pending' AND send_at < now() + ${horizonMs} * interval '1 millisecond'`,
  // tickets_inactivity_at and tickets_window_close_at (migration 0021): an inactivity step, a window close.
  inactivity: (sql, horizonMs) => sql<{ id: string; at: Date }[]>`
    SELECT id, inactivity_at AS at FROM tickets
    WHERE inactivity_at IS NOT NULL AND inactivity_at < now() + ${horizonMs} * interval '1 millisecond' AND status <> 'resolved'
    UNION ALL
    SELECT id, window_close_at AS at FROM tickets
    WHERE window_close_at IS NOT NULL AND window_close_at < now() + ${horizonMs} * interval '1 millisecond' AND status <> 'resolved'`,
  // tickets_menu_until (migration 0022): a department menu waiting for its answer.
  menu: (sql, horizonMs) => sql<{ id: string; at: Date }[]>`
    SELECT id, menu_until AS at FROM tickets
    WHERE menu_until IS NOT NULL AND menu_until < now() + ${horizonMs} * interval '1 millisecond' AND status <> 'resolved'`,
};

/** The wake-ups of every timer due before `now + horizonMs`, of every kind. */
export async function dueTimers(sql: Sql, horizonMs: number): Promise<TimerWake[]> {
  const kinds = Object.entries(DUE_TIMERS) as [TimerKind, (typeof DUE_TIMERS)[TimerKind]][];
  const found = await Promise.all(kinds.map(async ([kind, due]) => (await due(sql, horizonMs)).map((r) => ({ kind, id: r.id, at: r.at }))));
  return found.flat();
}
