// The sweeper's timer re-arming as it was before issue 14 (src/pipeline/sweeper.ts at 8c12aef),
// kept verbatim so `npm run bench -- --timers N` can time it beside the current code in the same
// run: every timer due within a minute, re-armed one Redis call at a time, on every sweep.
import type { Sql } from '../src/db/connect.js';
import type { Kicker } from '../src/queue/queues.js';

export async function sweepTimersBefore(sql: Sql, kicker: Kicker): Promise<number> {
  const closes = await sql<{ id: string; at: Date }[]>`
    SELECT id, scheduled_close_at AS at FROM tickets
    WHERE scheduled_close_at IS NOT NULL AND scheduled_close_at < now() + interval '1 minute' AND status <> 'resolved'`;
  const messages = await sql<{ id: string; at: Date }[]>`
    SELECT id, send_at AS at FROM scheduled_messages WHERE state = 'pending' AND send_at < now() + interval '1 minute'`;
  for (const c of closes) await kicker.closeAt(c.id, c.at);
  for (const m of messages) await kicker.messageAt(m.id, m.at);
  return closes.length + messages.length;
}
