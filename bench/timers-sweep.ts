// The sweeper's cost with many timers, the code before issue 14 (bench/sweep-before.ts) beside
// the current one, on the same rows and the same Redis, in the same run.
import type { Sql } from '../src/db/connect.js';
import type { Kicker } from '../src/queue/queues.js';
import { horizonFor } from '../src/pipeline/sweeper.js';
import { SWEEP_EVERY_MS } from '../src/queue/workers.js';
import { dueTimers } from '../src/timers/due.js';
import { sweepTimersBefore } from './sweep-before.js';
import { round } from './stats.js';

export interface SweepCost { beforeMs: number; beforeArmed: number; nowMs: number; nowArmed: number }

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t, 1), value };
}

/** The timer part of the current sweep (src/pipeline/sweeper.ts): find what is due in the window, re-arm it. */
async function sweepTimersNow(sql: Sql, kicker: Kicker): Promise<number> {
  const due = await dueTimers(sql, horizonFor(SWEEP_EVERY_MS));
  await kicker.timersAt(due);
  return due.length;
}

/**
 * The timer part of one sweep, before and now, in turn (after one untimed round, so both have
 * their statements prepared); every wake-up either finds is already armed, as on most sweeps.
 */
export async function sweepCost(sql: Sql, kicker: Kicker): Promise<SweepCost> {
  await sweepTimersBefore(sql, kicker);
  await sweepTimersNow(sql, kicker);
  const before = await timed(() => sweepTimersBefore(sql, kicker));
  const now = await timed(() => sweepTimersNow(sql, kicker));
  return { beforeMs: before.ms, beforeArmed: before.value, nowMs: now.ms, nowArmed: now.value };
}

/**
 * Every still-pending timer made due within the next 5–55 s (the "100,000 due within a
 * minute"), all armed, then the two sweeps timed. Run with no Ponte worker taking jobs.
 */
export async function denseSweepCost(sql: Sql, kicker: Kicker): Promise<SweepCost & { pending: number; armMs: number }> {
  const soon = (col: string) => sql.unsafe(`now() + interval '5 seconds' + (${col} % 50000) * interval '1 millisecond'`);
  await sql`UPDATE tickets SET scheduled_close_at = ${soon('id')} WHERE scheduled_close_at IS NOT NULL AND status <> 'resolved'`;
  await sql`UPDATE scheduled_messages SET send_at = ${soon('id')} WHERE state = 'pending'`;
  const all = await dueTimers(sql, 60_000);
  const armed = await timed(() => kicker.timersAt(all));
  return { pending: all.length, armMs: armed.ms, ...(await sweepCost(sql, kicker)) };
}
