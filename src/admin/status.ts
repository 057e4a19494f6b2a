import { channel, joinRich, type Rich } from '../core/rich-text.js';
import type { Db } from '../db/connect.js';
import { listConnections } from '../connections/repository.js';
import { say, type Locale } from '../i18n/catalog.js';

/** `/ponte status`: connections and their health, queues, and traffic nobody sees yet. */
export async function renderStatus(db: Db, locale: Locale): Promise<Rich> {
  const lines = [say(locale, 'status.title'), say(locale, 'status.connections')];
  const connections = await listConnections(db);
  if (connections.length === 0) lines.push(say(locale, 'status.no_connections'));
  for (const c of connections) {
    const reason = c.health_kind ? say(locale, `health.${c.health_kind}`, { reason: c.health_reason ?? '?' }) : (c.health_reason ?? '?');
    const health = c.disconnected_at
      ? say(locale, 'status.disconnected', { since: c.disconnected_at.toISOString().slice(0, 16).replace('T', ' ') })
      : c.healthy ? say(locale, 'status.healthy') : say(locale, 'status.unhealthy', { reason });
    lines.push(say(locale, 'status.connection_line', { channel: c.channel, account: c.account_id, destination: channel(c.agent_destination), health }));
  }
  const [tickets] = await db<{ pending: number; open: number }[]>`
    SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'open')::int AS open
    FROM tickets WHERE status <> 'resolved'`;
  lines.push(say(locale, 'status.tickets', { pending: tickets?.pending ?? 0, open: tickets?.open ?? 0 }));
  const [outbox] = await db<{ queued: number; failed: number }[]>`
    SELECT count(*) FILTER (WHERE state IN ('pending', 'sending'))::int AS queued,
           count(*) FILTER (WHERE state IN ('failed', 'uncertain') AND done_at > now() - interval '24 hours')::int AS failed
    FROM outbox WHERE state <> 'done'`;
  lines.push(say(locale, 'status.outbox', { queued: outbox?.queued ?? 0, failed: outbox?.failed ?? 0 }));

  const unrouted = await db<{ channel: string; account: string; count: number; last: Date }[]>`
    SELECT payload->>'channel' AS channel, payload->>'accountId' AS account, count(*)::int AS count, max(received_at) AS last
    FROM inbound_events WHERE state = 'ignored' AND reason = 'unknown_account'
    GROUP BY 1, 2 ORDER BY max(received_at) DESC LIMIT 10`;
  if (unrouted.length) {
    lines.push(say(locale, 'status.unrouted'));
    for (const u of unrouted) {
      lines.push(say(locale, 'status.unrouted_line', { channel: u.channel, account: u.account, count: u.count, last: u.last.toISOString().slice(0, 16).replace('T', ' ') }));
    }
  }
  const [rejected] = await db<{ n: number }[]>`
    SELECT count(*)::int AS n FROM inbound_events WHERE state = 'rejected' AND received_at > now() - interval '24 hours'`;
  if (rejected?.n) lines.push(say(locale, 'status.rejected', { count: rejected.n }));
  return joinRich(lines, '\n');
}
