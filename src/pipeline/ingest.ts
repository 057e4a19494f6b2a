import type { Sql, Tx } from '../db/connect.js';
import type { AgentMessageEvent, AgentPlatform, InboundEvent } from '../core/events.js';
import type { AgentBridge } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { findAgent, profileIsFresh, saveAgentProfile, type Agent } from '../agents/repository.js';
import { findTicketByThread } from '../tickets/repository.js';
import { handleAgentMessage, type AgentInboundContext } from '../agent/inbound.js';
import { handleAgentAction } from '../agent/action.js';
import { handleAgentReaction } from '../agent/reaction.js';
import { handleHomeOpened } from '../agent/home.js';
import { handleCustomerMessage } from '../customer/inbound.js';
import { handleCustomerStatus } from '../customer/status.js';
import { ignored, type Outcome } from './outcome.js';

/** A row that keeps failing is parked as 'failed' (visible in /ponte status) after this many tries. */
export const MAX_INGEST_ATTEMPTS = 5;
/** Events handled per transaction, so one busy key does not hold its lock for long. */
const BATCH = 50;
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
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  metrics: Metrics;
  log: Logger;
}

type AgentRef = Pick<AgentMessageEvent, 'platform' | 'userId'>;
type Step = { kind: 'empty' } | { kind: 'more' } | { kind: 'profile'; who: AgentRef };

/**
 * Drains the pending events of one ordering key (one customer on one account, or one agent
 * thread), oldest first, under a transaction-level advisory lock on the key, so that any
 * number of workers keep per-key order. Events are handled in batches, one transaction each.
 * An agent whose profile must be fetched ends the batch (what is done commits), the profile
 * is fetched outside any transaction, and draining goes on. Lanes that got outbox rows are
 * added to `lanes` for the caller to dispatch, even when a later event fails.
 */
export async function drainOrderingKey(deps: IngestDeps, key: string, lanes: Set<string>): Promise<void> {
  const staleOk = new Set<string>();
  for (;;) {
    let head: PendingRow | undefined;
    let step: Step;
    const handled: { kind: string; state: string }[] = [];
    try {
      step = await deps.sql.begin(async (tx): Promise<Step> => {
        // The lock comes first, in its own statement: a statement's snapshot predates the
        // lock it waits for, and the rows must be read as the previous holder left them.
        await tx`SELECT pg_advisory_xact_lock(${INGEST_LOCK}, hashtext(${key}))`;
        [head] = await tx<PendingRow[]>`
          SELECT id, kind, payload, attempts FROM inbound_events
          WHERE ordering_key = ${key} AND state = 'pending' ORDER BY occurred_at, id LIMIT 1`;
        for (let i = 0; head && i < BATCH; i++) {
          const outcome = await handle(tx, head.payload, deps, staleOk);
          if ('profile' in outcome) return { kind: 'profile', who: { platform: outcome.profile.platform, userId: outcome.profile.userId } };
          for (const lane of outcome.lanes) lanes.add(lane);
          handled.push({ kind: head.kind, state: outcome.state });
          // Close this event and read the next one in one round trip (it runs per message).
          const current: PendingRow = head;
          [head] = await tx<PendingRow[]>`
            WITH closed AS (
              UPDATE inbound_events SET state = ${outcome.state}, reason = ${outcome.reason ?? null},
                processed_at = now(), attempts = attempts + 1
              WHERE id = ${current.id})
            SELECT id, kind, payload, attempts FROM inbound_events
            WHERE ordering_key = ${key} AND state = 'pending' AND id <> ${current.id}
            ORDER BY occurred_at, id LIMIT 1`;
        }
        return head ? { kind: 'more' } : { kind: 'empty' };
      });
    } catch (err) {
      if (head) await park(deps, head, err);
      throw err;
    }
    for (const h of handled) deps.metrics.ingested.inc({ kind: h.kind, result: h.state });
    if (step.kind === 'empty') return;
    if (step.kind === 'profile') await fetchProfile(deps, step.who, staleOk);
  }
}

async function handle(tx: Tx, ev: InboundEvent, deps: IngestDeps, staleOk: Set<string>): Promise<Outcome | { profile: AgentRef }> {
  switch (ev.type) {
    case 'customer.message':
      return handleCustomerMessage(tx, ev, deps);
    case 'customer.status':
      return handleCustomerStatus(tx, ev, deps.locale, deps.capabilitiesOf(ev.channel)?.templates ?? false);
    case 'agent.message': {
      // Agents chat in threads that are not tickets too: those cost no profile lookup.
      if (!(await findTicketByThread(tx, ev.platform, ev.containerId, ev.threadId))) return ignored('not_a_ticket_thread');
      const agent = await knownAgent(tx, ev, staleOk);
      if (!agent) return { profile: ev };
      // `!transfer @person` names them on the card and in the thread: their profile first.
      const target = /^\s*!transfer\b/i.test(ev.text) ? ev.mentions?.users[0] : undefined;
      if (target && !(await knownAgent(tx, { platform: ev.platform, userId: target }, staleOk))) return { profile: { platform: ev.platform, userId: target } };
      return handleAgentMessage(tx, ev, agent, deps);
    }
    case 'agent.home':
      return handleHomeOpened(tx, ev);
    case 'agent.reaction':
      // The profile is fetched only for a reaction that would reach a customer.
      return handleAgentReaction(tx, ev, await knownAgent(tx, ev, staleOk));
    case 'agent.action': {
      const agent = await knownAgent(tx, ev, staleOk);
      if (!agent) return { profile: ev };
      const target = ev.target && 'userId' in ev.target ? ev.target.userId : undefined;
      if (target && !(await knownAgent(tx, { platform: ev.platform, userId: target }, staleOk))) return { profile: { platform: ev.platform, userId: target } };
      return handleAgentAction(tx, ev, agent, deps);
    }
  }
}

/** The author with a fresh profile (or a stale one we agreed to use), or undefined to fetch it. */
async function knownAgent(tx: Tx, who: AgentRef, staleOk: Set<string>): Promise<Agent | undefined> {
  const agent = await findAgent(tx, who.platform, who.userId);
  return agent && (profileIsFresh(agent) || staleOk.has(who.userId)) ? agent : undefined;
}

/** Refreshes the author's profile from the platform; a stale name beats a stuck reply. */
async function fetchProfile(deps: IngestDeps, ev: AgentRef, staleOk: Set<string>): Promise<void> {
  const bridge = deps.bridges.get(ev.platform);
  try {
    if (!bridge) throw new Error(`no bridge for ${ev.platform}`);
    await saveAgentProfile(deps.sql, ev.platform, ev.userId, await bridge.lookupUser(ev.userId));
  } catch (err) {
    const cached = await findAgent(deps.sql, ev.platform, ev.userId);
    if (!cached?.display_name) throw err;
    deps.log.warn({ err: (err as Error).message, platform: ev.platform }, 'profile refresh failed; using the cached name');
    staleOk.add(ev.userId);
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
