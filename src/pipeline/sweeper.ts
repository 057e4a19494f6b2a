import type { Sql } from '../db/connect.js';
import type { Kicker } from '../queue/queues.js';
import { purgeExpiredFiles } from '../media/public-files.js';
import { dueTimers } from '../timers/due.js';

export interface SweepOptions {
  /** How far ahead timers are (re-)armed: see horizonFor. */
  horizonMs: number;
}

export interface SweepResult {
  ingest: number;
  lanes: number;
  /** Timer wake-ups (re-)armed. */
  timers: number;
}

/**
 * Timers due within two sweep periods are armed by every sweep: one late or skipped sweep still
 * leaves the next one in time. At least 5 s, for a very short period.
 */
export const horizonFor = (sweepEveryMs: number): number => Math.max(2 * sweepEveryMs, 5_000);

/** Work older than this without progress is assumed to have lost its wake-up job. */
const GRACE = '5 seconds';

/**
 * Postgres holds the truth; Redis only holds wake-ups. The sweeper re-arms whatever has no
 * wake-up any more (Redis restarted empty, an enqueue failed after commit, a worker died),
 * so losing Redis's data loses nothing (guarantee 5). Re-arming too much is harmless: the
 * workers take per-key locks and re-read the rows.
 */
export async function sweep(sql: Sql, kicker: Kicker, o: SweepOptions = { horizonMs: horizonFor(10_000) }): Promise<SweepResult> {
  const keys = await sql<{ key: string }[]>`
    SELECT DISTINCT ordering_key AS key FROM inbound_events
    WHERE state = 'pending' AND received_at < now() - ${GRACE}::interval`;
  // A lane's head row that has been due for a while lost its wake-up (or a slow worker holds
  // the lane, in which case the extra job finds the lock taken and leaves). A card update
  // waiting for its time is passed over: the rows after it may go meanwhile (card-deferral.ts).
  const lanes = await sql<{ lane: string }[]>`
    SELECT lane FROM (
      SELECT DISTINCT ON (lane) lane, next_attempt_at FROM outbox
      WHERE state IN ('pending', 'sending') AND NOT (kind = 'card.update' AND next_attempt_at > now())
      ORDER BY lane, id) AS head
    WHERE head.next_attempt_at < now() - ${GRACE}::interval`;
  // Timers due before the sweep after next, or overdue: (re-)arm their wake-ups. The job id is
  // the due time's, so an armed one is not armed twice and a lost one comes back. Looking only
  // that far ahead keeps a sweep's cost to what is due (not every timer scheduled), and each
  // timer is re-armed about twice, in pipelined batches.
  const timers = await dueTimers(sql, o.horizonMs);
  await purgeExpiredFiles(sql);
  await kicker.ingest(keys.map((k) => k.key));
  await kicker.dispatch(lanes.map((l) => l.lane));
  await kicker.timersAt(timers);
  return { ingest: keys.length, lanes: lanes.length, timers: timers.length };
}
