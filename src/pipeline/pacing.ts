import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { AgentBridge } from '../core/ports.js';
import type { Pacer } from '../core/pacer.js';
import type { OutboxKind } from './outbox.js';

/** Rows that put a new message in a ticket's channel: what a channel's post limit counts. */
export const PACED_POSTS: ReadonlySet<OutboxKind> = new Set(['thread.open', 'thread.post', 'media.mirror', 'contact.history', 'ticket.transcript']);

const TICKET_LANE = /^t(\d+)-agent$/;

export interface PacingDeps {
  sql: Sql;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  pacer?: Pacer;
}

/**
 * How long a ticket's next agent-side post must wait for its channel's allowance (0: go now, a
 * token was taken). The place is the channel of the ticket's current thread, else its
 * connection's destination; the bridge names the bucket and its limits. Rows that post nothing
 * new, other lanes, and bridges that declare no allowance are never paced.
 */
export async function paceWait(deps: PacingDeps, row: { lane: string; kind: OutboxKind; created_at: Date }): Promise<number> {
  if (!deps.pacer || !PACED_POSTS.has(row.kind)) return 0;
  const ticketId = TICKET_LANE.exec(row.lane)?.[1];
  if (!ticketId) return 0;
  const [place] = await deps.sql<{ platform: AgentPlatform; destination: string }[]>`
    SELECT COALESCE(l.platform, c.agent_platform) AS platform, COALESCE(l.container_id, c.agent_destination) AS destination
    FROM tickets t JOIN connections c ON c.id = t.connection_id
    LEFT JOIN thread_links l ON l.ticket_id = t.id AND l.is_current
    WHERE t.id = ${ticketId}
    ORDER BY l.created_at DESC NULLS LAST LIMIT 1`;
  const allowance = place && deps.bridges.get(place.platform)?.postAllowance?.(place.destination);
  if (!allowance) return 0;
  return deps.pacer.turn({ allowance, lane: row.lane, since: row.created_at.getTime() });
}
