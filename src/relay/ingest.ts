import type { Sql, Tx } from '../db/connect.js';
import type { AgentMessageEvent, AgentPlatform, InboundEvent } from '../core/events.js';
import type { AgentBridge } from '../core/ports.js';
import type { Kicker } from '../queue/queues.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { findAgent, profileIsFresh, saveAgentProfile, type Agent } from '../agents/repository.js';
import { handleAgentMessage, type AgentInboundContext } from './agent-inbound.js';
import { handleCustomerMessage } from './customer-inbound.js';
import { handleCustomerStatus } from './customer-status.js';
import { ignored, type Outcome } from './outcome.js';
import { findTicketByThread } from '../tickets/repository.js';

/** A row that keeps failing is parked as 'failed' (visible in /ponte status) after this many tries. */
export const MAX_INGEST_ATTEMPTS = 5;
/** Namespace of the advisory locks that serialise one ordering key (any fixed number). */
const INGEST_LOCK = 727_002;

interface PendingRow {
  id: string;
  kind: string;
  payload: InboundEvent;
  attempts: number;
}

export interface IngestDeps extends AgentInboundContext {
  sql: Sql;
  kicker: Kicker;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  metrics: Metrics;
  log: Logger;
}

/**
 * Drains the pending events of one ordering key (one customer on one account, or one agent
 * thread), oldest first, each in its own transaction under an advisory lock on the key, so
 * that any number of workers keep per-key order. Network work (an agent's profile) happens
 * before the transaction opens.
 */
export async function drainOrderingKey(deps: IngestDeps, key: string): Promise<number> {
  const { sql } = deps;
  let handled = 0;
  for (;;) {
    const [head] = await sql<PendingRow[]>`
      SELECT id, kind, payload, attempts FROM inbound_events
      WHERE ordering_key = ${key} AND state = 'pending' ORDER BY occurred_at, id LIMIT 1`;
    if (!head) return handled;
    try {
      const agent = head.payload.type === 'agent.message' && (await isTicketThread(deps, head.payload)) ? await resolveAgent(deps, head.payload) : undefined;
      const outcome = await sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${INGEST_LOCK}, hashtext(${key}))`;
        const [still] = await tx<{ id: string }[]>`
          SELECT id FROM inbound_events
          WHERE ordering_key = ${key} AND state = 'pending' ORDER BY occurred_at, id LIMIT 1 FOR UPDATE`;
        if (still?.id !== head.id) return null; // another worker got there first: look again
        const result = await apply(tx, head.payload, agent, deps);
        await tx`
          UPDATE inbound_events SET state = ${result.state}, reason = ${result.reason ?? null},
            processed_at = now(), attempts = attempts + 1
          WHERE id = ${head.id}`;
        return result;
      });
      if (!outcome) continue;
      handled++;
      deps.metrics.ingested.inc({ kind: head.kind, result: outcome.state });
      if (outcome.lanes.length) {
        await deps.kicker.dispatch(outcome.lanes).catch((err: unknown) => {
          deps.log.warn({ err }, 'could not wake dispatch; the sweeper will');
        });
      }
    } catch (err) {
      await park(deps, head, err);
      throw err;
    }
  }
}

function apply(tx: Tx, ev: InboundEvent, agent: Agent | undefined, deps: IngestDeps): Promise<Outcome> {
  switch (ev.type) {
    case 'customer.message':
      return handleCustomerMessage(tx, ev);
    case 'customer.status':
      return handleCustomerStatus(tx, ev, deps.locale);
    case 'agent.message':
      // No profile was fetched: the thread is not a ticket's (checked before the transaction).
      return agent ? handleAgentMessage(tx, ev, agent, deps) : Promise.resolve(ignored('not_a_ticket_thread'));
  }
}

/** Only threads that are tickets are worth a profile lookup (agents chat in other threads too). */
async function isTicketThread(deps: IngestDeps, ev: AgentMessageEvent): Promise<boolean> {
  return (await findTicketByThread(deps.sql, ev.platform, ev.containerId, ev.threadId)) !== undefined;
}

/** The author's profile, from the cache in `agents` or, when stale, from the platform. */
async function resolveAgent(deps: IngestDeps, ev: AgentMessageEvent): Promise<Agent> {
  const cached = await findAgent(deps.sql, ev.platform, ev.userId);
  if (cached && profileIsFresh(cached)) return cached;
  const bridge = deps.bridges.get(ev.platform);
  if (!bridge) throw new Error(`no bridge for ${ev.platform}`);
  try {
    const profile = await bridge.lookupUser(ev.userId);
    return await saveAgentProfile(deps.sql, ev.platform, ev.userId, profile);
  } catch (err) {
    // A stale name beats a stuck reply: use what we have when the platform is unreachable.
    if (cached?.display_name) return cached;
    throw err;
  }
}

/** Counts a failed attempt; after MAX_INGEST_ATTEMPTS the row stops blocking its key. */
async function park(deps: IngestDeps, row: PendingRow, err: unknown): Promise<void> {
  const attempts = row.attempts + 1;
  const give = attempts >= MAX_INGEST_ATTEMPTS;
  const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
  await deps.sql`
    UPDATE inbound_events SET attempts = ${attempts}, reason = ${reason},
      state = ${give ? 'failed' : 'pending'}, processed_at = ${give ? new Date() : null}
    WHERE id = ${row.id} AND state = 'pending'`.catch(() => {});
  if (give) deps.metrics.ingested.inc({ kind: row.kind, result: 'failed' });
  deps.log.error({ err, eventId: row.id, attempts }, give ? 'inbound event failed for good' : 'inbound event failed; will retry');
}
