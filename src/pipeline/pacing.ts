import type { Sql } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';
import type { AgentBridge, CustomerChannel, PacedPost } from '../core/ports.js';
import type { Pacer, PostAllowance } from '../core/pacer.js';
import { CUSTOMER_SENDS, type OutboxKind } from './outbox.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { placeOf } from '../departments/repository.js';

/** Rows that put a new message in a ticket's channel: what a channel's post limit counts. */
export const PACED_POSTS: ReadonlySet<OutboxKind> = new Set(['thread.open', 'thread.post', 'media.mirror', 'contact.history', 'ticket.transcript']);

const TICKET_LANE = /^t(\d+)-agent$/;
const CUSTOMER_LANE = /^t(\d+)-customer$/;

/**
 * The lane first in line waits for a short turn in the process, holding its lane, instead of
 * letting go and coming back on a delayed job: a wake-up (the job, the lane lock, the head row
 * read) takes tens of milliseconds, and a bucket of one that sits full meanwhile loses them for
 * good. Bounded: only the lane no one is ahead of, only a wait this short (a Discord window's
 * reset at most), and only this many lanes at once per process (each holds a lane slot and a
 * connection while it waits).
 */
const IN_PROCESS_MAX_MS = 2_500;
const IN_PROCESS_LANES = 2;
let waitingInProcess = 0;

export interface PacingDeps {
  sql: Sql;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  /** The customer channels, whose sends are paced where a channel declares an allowance (absent: only posts are). */
  channels?: ReadonlyMap<ChannelKind, CustomerChannel>;
  pacer?: Pacer;
}

/**
 * How long a ticket's next agent-side post must wait for its channel's allowance (0: go now, a
 * token was taken). The place is where the post lands: the thread the row names (a notice left in
 * the old thread of a transfer), else the channel of the ticket's current thread, else (between
 * threads: a new ticket, a transfer) where its card will open, its department's place or its
 * connection's destination, as the card decides (tickets/card.ts). The bridge names the bucket
 * and its limits. The lane first in line waits a short turn here (IN_PROCESS_MAX_MS); a longer
 * one is returned, for the lane to let go and come back on a wake-up. A customer send is paced
 * the same way by its account's allowance (WhatsApp's throughput per number), and a card update
 * by its bridge's card allowance (Slack: chat.update's tier), without waiting in the process. Rows that post or
 * send nothing new, and bridges and channels that declare no allowance, are never paced.
 */
export async function paceWait(deps: PacingDeps, row: { lane: string; kind: OutboxKind; created_at: Date; payload?: Record<string, unknown> }): Promise<number> {
  if (!deps.pacer) return 0;
  const allowance = await allowanceOf(deps, row);
  if (!allowance) return 0;
  const req = { allowance, lane: row.lane, since: row.created_at.getTime() };
  // A card update never holds its lane to wait: it goes behind the lane's other rows (dispatch.ts).
  const inProcess = row.kind !== 'card.update';
  for (let asked = 1; ; asked++) {
    const { waitMs, next } = await deps.pacer.turn(req);
    if (waitMs === 0 || !next || !inProcess || waitMs > IN_PROCESS_MAX_MS || asked > 3 || waitingInProcess >= IN_PROCESS_LANES) return waitMs;
    waitingInProcess++;
    try {
      await sleep(waitMs);
    } finally {
      waitingInProcess--;
    }
  }
}

/**
 * The allowance a row's effect counts against: an agent-side post's channel (as its bridge
 * declares it, for the place the post lands), a card update's (as its bridge declares it, for
 * the ticket's current thread; none yet: nothing to update, nothing paced) or a customer send's
 * account (as its channel declares it: WhatsApp's throughput per number). Undefined: not paced.
 */
async function allowanceOf(deps: PacingDeps, row: { lane: string; kind: OutboxKind; payload?: Record<string, unknown> }): Promise<PostAllowance | undefined> {
  if (row.kind === 'card.update') {
    const [thread] = await deps.sql<{ platform: AgentPlatform; container_id: string }[]>`
      SELECT platform, container_id FROM thread_links WHERE ticket_id = ${String(row.payload?.ticketId)} AND is_current
      ORDER BY created_at DESC LIMIT 1`;
    return thread && deps.bridges.get(thread.platform)?.cardAllowance?.(thread.container_id);
  }
  if (PACED_POSTS.has(row.kind)) {
    const ticketId = TICKET_LANE.exec(row.lane)?.[1];
    if (!ticketId) return undefined;
    const messageId = typeof row.payload?.messageId === 'string' ? row.payload.messageId : null;
    const place = await placeOfPost(deps.sql, ticketId, messageId, row.payload?.thread as { containerId?: string; platform?: string } | undefined);
    return place && deps.bridges.get(place.platform)?.postAllowance?.(place.destination, pacedPost(row.kind, place.inbound));
  }
  const ticketId = CUSTOMER_SENDS.has(row.kind) ? CUSTOMER_LANE.exec(row.lane)?.[1] : undefined;
  if (!ticketId || !deps.channels) return undefined;
  const [account] = await deps.sql<{ channel: ChannelKind; account_id: string }[]>`
    SELECT c.channel, c.account_id FROM tickets t JOIN connections c ON c.id = t.connection_id WHERE t.id = ${ticketId}`;
  return account && deps.channels.get(account.channel)?.sendAllowance?.(account.account_id);
}

/** What a row posts, as the bridge counts it: a thread's opening card, a customer's line or file (a message they wrote), else Ponte's own line. */
function pacedPost(kind: OutboxKind, inbound: boolean): PacedPost {
  if (kind === 'thread.open') return 'card';
  return kind === 'media.mirror' || (kind === 'thread.post' && inbound) ? 'customer' : 'notice';
}

interface PlaceOfPost {
  platform: AgentPlatform;
  destination: string;
  /** The row's message is the customer's. */
  inbound: boolean;
}

async function placeOfPost(sql: Sql, ticketId: string, messageId: string | null, named?: { containerId?: string; platform?: string }): Promise<PlaceOfPost | undefined> {
  const [row] = await sql<{ platform: AgentPlatform | null; container_id: string | null; agent_platform: AgentPlatform; agent_destination: string; department_id: string | null; inbound: boolean }[]>`
    SELECT l.platform, l.container_id, c.agent_platform, c.agent_destination, t.department_id,
           COALESCE((SELECT m.direction = 'inbound' FROM messages m WHERE m.id = ${messageId}::bigint), false) AS inbound
    FROM tickets t JOIN connections c ON c.id = t.connection_id
    LEFT JOIN thread_links l ON l.ticket_id = t.id AND l.is_current
    WHERE t.id = ${ticketId}
    ORDER BY l.created_at DESC NULLS LAST LIMIT 1`;
  if (!row) return undefined;
  const inbound = row.inbound;
  if (named?.containerId) return { platform: (named.platform as AgentPlatform | undefined) ?? row.platform ?? row.agent_platform, destination: named.containerId, inbound };
  if (row.platform && row.container_id) return { platform: row.platform, destination: row.container_id, inbound };
  const dept = row.department_id ? await placeOf(sql, row.department_id, row.agent_platform) : undefined;
  return dept ? { platform: dept.platform, destination: dept.containerId, inbound } : { platform: row.agent_platform, destination: row.agent_destination, inbound };
}
