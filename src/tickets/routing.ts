import type { Tx } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { mention } from '../core/rich-text.js';
import { placeOf } from '../departments/repository.js';
import { insertNotice } from '../messages/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import { transition, type Ticket } from './repository.js';

/** How a department's new tickets find an agent (`/ponte department <name> routing …`). */
export const ROUTING_RULES = ['none', 'round-robin', 'last', 'random'] as const;
export type RoutingRule = (typeof ROUTING_RULES)[number];

interface Picked {
  id: string;
  platform_user_id: string;
}

/**
 * A new ticket's agent under its department's rule, inside the transaction that opened it:
 * `none` leaves it pending; `round-robin` takes the available agent whose last automatic
 * assignment here is the oldest; `last` the agent who served this contact's latest earlier
 * ticket, if still available, else round-robin; `random` any available agent. Available: an
 * agent of the department, not away, on the agent platform where the ticket's thread opens (only
 * they can be mentioned there). Under the department row's lock, so two tickets opening at once
 * (different ingest lanes) never take the same turn.
 */
export async function pickAgent(tx: Tx, ticket: Ticket): Promise<{ agent: Picked; rule: RoutingRule } | undefined> {
  const [plain] = await tx<{ routing: RoutingRule }[]>`SELECT routing FROM departments WHERE id = ${ticket.department_id}`;
  if (!plain || plain.routing === 'none') return undefined;
  // NO KEY UPDATE: it conflicts with another picker, not with tickets referencing the department.
  const [dept] = await tx<{ routing: RoutingRule }[]>`SELECT routing FROM departments WHERE id = ${ticket.department_id} FOR NO KEY UPDATE`;
  if (!dept || dept.routing === 'none') return undefined;
  const platform = await threadPlatform(tx, ticket);
  const available = (order: 'turn' | 'random', only: string | null = null) => tx<Picked[]>`
    SELECT a.id, a.platform_user_id FROM agent_departments ad JOIN agents a ON a.id = ad.agent_id
    WHERE ad.department_id = ${ticket.department_id} AND NOT a.away AND a.platform = ${platform}
      AND (${only}::bigint IS NULL OR a.id = ${only}::bigint)
    ORDER BY ${tx.unsafe(order === 'random' ? 'random()' : 'ad.last_routed_at NULLS FIRST, a.id')} LIMIT 1`;
  let rule = dept.routing;
  let agent: Picked | undefined;
  if (rule === 'last') {
    const [last] = await tx<{ assignee_id: string }[]>`
      SELECT assignee_id FROM tickets
      WHERE contact_id = ${ticket.contact_id} AND id < ${ticket.id} AND assignee_id IS NOT NULL
      ORDER BY id DESC LIMIT 1`;
    if (last) [agent] = await available('turn', last.assignee_id);
    if (!agent) rule = 'round-robin';
  }
  if (rule === 'random') [agent] = await available('random');
  if (rule === 'round-robin') [agent] = await available('turn');
  if (!agent) return undefined;
  await tx`UPDATE agent_departments SET last_routed_at = clock_timestamp() WHERE agent_id = ${agent.id} AND department_id = ${ticket.department_id}`;
  return { agent, rule };
}

/**
 * Routes a ticket that just opened pending: when its department's rule finds an agent, the
 * ticket is theirs (open; the card shows them), and the thread says so with a mention, which
 * is how the assignee is told. Nothing goes to the customer. Returns whether it was assigned.
 */
export async function routeNewTicket(tx: Tx, ticket: Ticket, o: { locale: Locale; lanes: LaneSet }): Promise<boolean> {
  const picked = await pickAgent(tx, ticket);
  if (!picked) return false;
  const after = await transition(tx, ticket.id, 'transfer_agent', picked.agent.id);
  Object.assign(ticket, after);
  const rule = t(o.locale, `routing.rule.${picked.rule}`);
  const noticeId = await insertNotice(tx, ticket.id, say(o.locale, 'routing.assigned', { agent: mention(picked.agent.platform_user_id), rule }));
  await o.lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  return true;
}

/** The agent platform where the ticket's thread opens: its department's place, else its connection's. */
async function threadPlatform(tx: Tx, ticket: Ticket): Promise<AgentPlatform> {
  const [c] = await tx<{ agent_platform: AgentPlatform }[]>`SELECT agent_platform FROM connections WHERE id = ${ticket.connection_id}`;
  const place = await placeOf(tx, ticket.department_id, c!.agent_platform);
  return place?.platform ?? c!.agent_platform;
}
