import type { Tx } from '../db/connect.js';
import type { AgentReactionEvent } from '../core/events.js';
import type { Agent } from '../agents/repository.js';
import { LaneSet, customerLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';
import { REVISION_KIND } from '../customer/revisions.js';

/**
 * An agent's emoji on a customer's message in the thread reaches the customer as a reaction
 * on their message (WhatsApp, Instagram). Reactions on anything else (notes, Ponte's lines,
 * the agent's own replies) stay in the team's chat. A reaction on a post that carries several
 * queued messages (a merged post) goes on the last of them, the one the agent answers.
 */
export async function handleAgentReaction(tx: Tx, ev: AgentReactionEvent, agent: Agent | undefined): Promise<Outcome | { profile: AgentReactionEvent }> {
  const [target] = await tx<{ id: string; ticket_id: string; direction: string; kind: string; status: string }[]>`
    SELECT m.id, m.ticket_id, m.direction, m.kind, t.status
    FROM message_links l JOIN messages m ON m.id = l.message_id JOIN tickets t ON t.id = m.ticket_id
    WHERE l.platform = ${ev.platform} AND l.external_id = ${ev.messageExternalId}
    -- A merged post carries several messages (pipeline/merge.ts): a reaction on it is on its last.
    ORDER BY m.id DESC LIMIT 1`;
  if (!target) return ignored('not_a_ticket_message');
  // An edit's or deletion's line is Ponte's account of a change, not a message the customer's platform could be reacted on.
  const aboutAnother = target.kind === 'reaction' || target.kind === REVISION_KIND.edit || target.kind === REVISION_KIND.delete;
  if (target.direction !== 'inbound' || aboutAnother) return ignored('not_a_customer_message');
  if (!agent) return { profile: ev };
  const lanes = new LaneSet(tx);
  await lanes.add(customerLane(target.ticket_id), { kind: 'customer.react', messageId: target.id, emoji: ev.removed ? null : ev.emoji });
  return { state: 'done', lanes: lanes.list() };
}
