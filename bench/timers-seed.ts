// The rows of `npm run bench -- --timers N`: N pending tickets with a thread each, half of them
// with a scheduled resolve and half with a scheduled message, written with one INSERT … SELECT
// per table. Due times are set later (dueOver), once Ponte is up; bench_timer_due keeps each
// timer's due time, because firing clears scheduled_close_at.
import type { Sql } from '../src/db/connect.js';
import { summarize, type Summary } from './stats.js';

export async function seedTimers(sql: Sql, o: { n: number; phoneId: string; channel: string; agent: string }): Promise<void> {
  const far = "now() + interval '1 day'";
  await sql`INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination)
            VALUES ('whatsapp', ${o.phoneId}, (SELECT id FROM departments WHERE is_default), 'slack', ${o.channel})`;
  await sql`INSERT INTO agents (platform, platform_user_id, display_name) VALUES ('slack', ${o.agent}, 'Bench Agent')`;
  await sql`INSERT INTO contacts (channel, external_id, phone, name, last_inbound_at)
            SELECT 'whatsapp', '55' || lpad(g::text, 11, '0'), '55' || lpad(g::text, 11, '0'), 'Timer ' || g, now() FROM generate_series(1, ${o.n}) g`;
  await sql`INSERT INTO tickets (protocol, contact_id, connection_id, department_id, status, last_message_at)
            SELECT 'T' || g, c.id, (SELECT id FROM connections), (SELECT id FROM departments WHERE is_default), 'pending', now()
            FROM generate_series(1, ${o.n}) g JOIN contacts c ON c.external_id = '55' || lpad(g::text, 11, '0')`;
  await sql`INSERT INTO thread_links (ticket_id, platform, container_id, thread_id)
            SELECT id, 'slack', ${o.channel}, '1700000000.' || lpad(id::text, 6, '0') FROM tickets`;
  // Even tickets: a silent scheduled resolve. Odd ones: a scheduled message in the thread.
  await sql.unsafe(`UPDATE tickets SET scheduled_close_at = ${far}, scheduled_close_by = (SELECT id FROM agents), scheduled_close_silent = true,
                      scheduled_close_reason = 'bench' WHERE id % 2 = 0`);
  await sql.unsafe(`INSERT INTO scheduled_messages (ticket_id, contact_id, connection_id, author_agent_id, body, send_at)
                    SELECT id, contact_id, connection_id, (SELECT id FROM agents), 'timer ' || id, ${far} FROM tickets WHERE id % 2 = 1`);
  await sql`CREATE TABLE bench_timer_due (kind text NOT NULL, id bigint NOT NULL, due_at timestamptz NOT NULL, PRIMARY KEY (kind, id))`;
  await sql`ANALYZE`;
}

/** Timers after the first `firing` (by ticket id) come due a day from now: they stay pending through the run. */
export async function dueLater(sql: Sql, firing: number): Promise<void> {
  const later = (col: string) => sql.unsafe(`now() + interval '1 day' + ${col} * interval '1 millisecond'`);
  await sql`UPDATE tickets SET scheduled_close_at = ${later('id')} WHERE scheduled_close_at IS NOT NULL AND id > ${firing}`;
  await sql`UPDATE scheduled_messages SET send_at = ${later('ticket_id')} WHERE ticket_id > ${firing}`;
}

/** The first `firing` timers come due evenly over [start, start + spreadMs); every due time is recorded. */
export async function dueSoon(sql: Sql, start: Date, spreadMs: number, firing: number): Promise<void> {
  const at = (col: string) => sql.unsafe(`'${start.toISOString()}'::timestamptz + (${col} - 1) * ${spreadMs / firing} * interval '1 millisecond'`);
  await sql`UPDATE tickets SET scheduled_close_at = ${at('id')} WHERE scheduled_close_at IS NOT NULL AND id <= ${firing}`;
  await sql`UPDATE scheduled_messages SET send_at = ${at('ticket_id')} WHERE ticket_id <= ${firing}`;
  await sql`INSERT INTO bench_timer_due SELECT 'close', id, scheduled_close_at FROM tickets WHERE scheduled_close_at IS NOT NULL
            UNION ALL SELECT 'message', id, send_at FROM scheduled_messages`;
}

/** How many timers have fired (the ticket resolved, the message settled). */
export async function firedCount(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT (SELECT count(*) FROM bench_timer_due d JOIN tickets t ON t.id = d.id WHERE d.kind = 'close' AND t.resolved_at IS NOT NULL)
         + (SELECT count(*) FROM scheduled_messages WHERE state <> 'pending') AS n`;
  return Number(row!.n);
}

export interface Lateness {
  close: Summary; message: Summary; all: Summary;
  /** A scheduled message's send to WhatsApp settled (its outbox row done) − due: the customer's view. */
  delivered: Summary;
  /** The worst lateness per 10 s of due times: whether the late ones cluster (a start, a sweep, a GC). */
  worstBy10s: number[];
  outcomes: Record<string, number>;
}

/**
 * Lateness = fired − due, from the rows: a resolve's `resolved_at` and a message's `done_at`
 * are `now()` of the transaction that fired it.
 */
export async function lateness(sql: Sql): Promise<Lateness> {
  const rows = await sql<{ kind: string; ms: number; due: Date }[]>`
    SELECT d.kind, extract(epoch FROM COALESCE(t.resolved_at, m.done_at) - d.due_at) * 1000 AS ms, d.due_at AS due
    FROM bench_timer_due d
    LEFT JOIN tickets t ON d.kind = 'close' AND t.id = d.id
    LEFT JOIN scheduled_messages m ON d.kind = 'message' AND m.id = d.id
    WHERE COALESCE(t.resolved_at, m.done_at) IS NOT NULL`;
  const outcomes = await sql<{ k: string; n: number }[]>`
    SELECT 'message.' || state || COALESCE('.' || failure, '') AS k, count(*)::int AS n FROM scheduled_messages GROUP BY 1
    UNION ALL SELECT 'ticket.' || status, count(*)::int FROM tickets GROUP BY 1`;
  const delivered = await sql<{ ms: number }[]>`
    SELECT extract(epoch FROM o.done_at - d.due_at) * 1000 AS ms
    FROM bench_timer_due d JOIN scheduled_messages m ON d.kind = 'message' AND m.id = d.id
    JOIN outbox o ON o.lane = 't' || m.ticket_id || '-customer' AND o.kind = 'customer.send' AND o.state = 'done'`;
  const first = Math.min(...rows.map((r) => r.due.getTime()));
  const worstBy10s: number[] = [];
  for (const r of rows) {
    const b = Math.floor((r.due.getTime() - first) / 10_000);
    worstBy10s[b] = Math.max(worstBy10s[b] ?? 0, Math.round(Number(r.ms)));
  }
  const of = (k?: string) => summarize(rows.filter((r) => !k || r.kind === k).map((r) => Number(r.ms)).sort((a, b) => a - b));
  return { close: of('close'), message: of('message'), all: of(), delivered: summarize(delivered.map((r) => Number(r.ms))), worstBy10s: [...worstBy10s].map((v) => v ?? 0), outcomes: Object.fromEntries(outcomes.map((r) => [r.k, r.n])) };
}
