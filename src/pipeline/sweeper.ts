import type { Sql } from '../db/connect.js';
import type { Kicker } from '../queue/queues.js';
import { purgeExpiredFiles } from '../media/public-files.js';

/** Work older than this without progress is assumed to have lost its wake-up job. */
const GRACE = '5 seconds';

/**
 * Postgres holds the truth; Redis only holds wake-ups. The sweeper re-arms whatever has no
 * wake-up any more (Redis restarted empty, an enqueue failed after commit, a worker died),
 * so losing Redis's data loses nothing (guarantee 5). Re-arming too much is harmless: the
 * workers take per-key locks and re-read the rows.
 */
export async function sweep(sql: Sql, kicker: Kicker): Promise<{ ingest: number; lanes: number }> {
  const keys = await sql<{ key: string }[]>`
    SELECT DISTINCT ordering_key AS key FROM inbound_events
    WHERE state = 'pending' AND received_at < now() - ${GRACE}::interval`;
  // A lane's head row that has been due for a while lost its wake-up (or a slow worker holds
  // the lane, in which case the extra job finds the lock taken and leaves).
  const lanes = await sql<{ lane: string }[]>`
    SELECT lane FROM (
      SELECT DISTINCT ON (lane) lane, next_attempt_at FROM outbox
      WHERE state IN ('pending', 'sending') ORDER BY lane, id) AS head
    WHERE head.next_attempt_at < now() - ${GRACE}::interval`;
  // Scheduled resolves due within the next sweep or overdue: (re-)arm their wake-up. The job id
  // is the deadline's, so an armed one is not armed twice; a lost one comes back.
  const closes = await sql<{ id: string; at: Date }[]>`
    SELECT id, scheduled_close_at AS at FROM tickets
    WHERE scheduled_close_at IS NOT NULL AND scheduled_close_at < now() + interval '1 minute' AND status <> 'resolved'`;
  // Department menus waiting for an answer, due within the next sweep or overdue: the same.
  const menus = await sql<{ id: string; at: Date }[]>`
    SELECT id, menu_until AS at FROM tickets
    WHERE menu_until IS NOT NULL AND menu_until < now() + interval '1 minute' AND status <> 'resolved'`;
  const messages = await sql<{ id: string; at: Date }[]>`
    SELECT id, send_at AS at FROM scheduled_messages WHERE state = 'pending' AND send_at < now() + interval '1 minute'`;
  // Inactivity steps and window closes, the same way (src/timers/inactivity.ts).
  const idle = await sql<{ id: string; at: Date }[]>`
    SELECT id, inactivity_at AS at FROM tickets
    WHERE inactivity_at < now() + interval '1 minute' AND status <> 'resolved'
    UNION ALL
    SELECT id, window_close_at AS at FROM tickets
    WHERE window_close_at < now() + interval '1 minute' AND status <> 'resolved'`;
  await purgeExpiredFiles(sql);
  await kicker.ingest(keys.map((k) => k.key));
  await kicker.dispatch(lanes.map((l) => l.lane));
  for (const c of closes) await kicker.closeAt(c.id, c.at);
  for (const m of messages) await kicker.messageAt(m.id, m.at);
  for (const i of idle) await kicker.inactivityAt(i.id, i.at);
  for (const m of menus) await kicker.menuAt(m.id, m.at);
  return { ingest: keys.length, lanes: lanes.length };
}
