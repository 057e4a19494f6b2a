import type { Db, Tx } from '../db/connect.js';
import type { AgentHomeEvent, AgentPlatform } from '../core/events.js';
import { hasHome, type AgentBridge, type HomeView, type TicketSummary } from '../core/ports.js';
import { findTickets, type FoundTicket } from '../tickets/finder.js';
import type { Locale } from '../i18n/catalog.js';
import { homeLane } from '../pipeline/outbox.js';
import type { Outcome } from '../pipeline/outcome.js';

/** Homes opened within this long are kept fresh when tickets change. */
const VIEWER_TTL = '12 hours';
const LIST = 20;

/** Someone opened the home tab: remember them, and publish their home. */
export async function handleHomeOpened(tx: Tx, ev: AgentHomeEvent): Promise<Outcome> {
  await tx`
    INSERT INTO home_viewers (platform, user_id) VALUES (${ev.platform}, ${ev.userId})
    ON CONFLICT (platform, user_id) DO UPDATE SET opened_at = now()`;
  const lanes = await queueHomes(tx, [{ platform: ev.platform, userId: ev.userId }]);
  return { state: 'done', lanes };
}

/**
 * Queues a home refresh for recent viewers (after a ticket changed), on the platforms whose
 * bridge has a home surface (`capabilities.home`); the others have no homes to keep fresh. A
 * viewer whose refresh is already queued gets no second one: one publish shows the latest state.
 */
export async function refreshHomes(db: Db, bridges: ReadonlyMap<AgentPlatform, AgentBridge>): Promise<string[]> {
  const platforms = [...bridges.values()].filter(hasHome).map((b) => b.platform);
  if (!platforms.length) return [];
  const viewers = await db<{ platform: AgentPlatform; user_id: string }[]>`
    SELECT platform, user_id FROM home_viewers
    WHERE platform = ANY(${platforms}) AND opened_at > now() - ${VIEWER_TTL}::interval`;
  return queueHomes(db, viewers.map((v) => ({ platform: v.platform, userId: v.user_id })));
}

async function queueHomes(db: Db, who: { platform: string; userId: string }[]): Promise<string[]> {
  const lanes: string[] = [];
  for (const w of who) {
    const lane = homeLane(w.platform, w.userId);
    const rows = await db`
      INSERT INTO outbox (lane, kind, payload)
      SELECT ${lane}, 'home.publish', ${db.json({ platform: w.platform, userId: w.userId })}
      WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE lane = ${lane} AND state = 'pending')
      RETURNING id`;
    if (rows.length) lanes.push(lane);
  }
  return lanes;
}

/** What a person's home shows: their open tickets, and the waiting queue. */
export async function loadHome(db: Db, platform: AgentPlatform, userId: string, locale: Locale): Promise<HomeView> {
  const base = { platform, userId, sort: 'latest' as const, limit: LIST };
  const [mine, waiting] = await Promise.all([
    findTickets(db, { ...base, scope: 'mine' }),
    findTickets(db, { ...base, scope: 'pending', sort: 'oldest' }),
  ]);
  return { mine: mine.map(summary), waiting: waiting.map(summary), locale };
}

function summary(f: FoundTicket): TicketSummary {
  return { ticketId: f.id, protocol: f.protocol, status: f.status, customer: f.customer, department: f.department, assignee: f.assignee, thread: f.thread };
}
