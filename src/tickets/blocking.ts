import * as audit from '../audit/repository.js';
import { insertNotice } from '../messages/repository.js';
import { say } from '../i18n/catalog.js';
import { agentLane, customerLane } from '../pipeline/outbox.js';
import type { ActionContext } from './transitions.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * `!block` / `!unblock` on the ticket's customer. Ponte's own flag takes effect at once (a
 * blocked contact is neither mirrored nor written to); on a channel that can block, the
 * platform is told too, on the customer lane. WhatsApp only blocks someone who wrote in the
 * last 24 hours, so later attempts are refused in words before anything changes.
 */
export async function setContactBlocked(ctx: ActionContext, blocked: boolean): Promise<void> {
  const { tx, ticket, agent, locale, lanes } = ctx;
  const [contact] = await tx<{ id: string; blocked: boolean; last_inbound_at: Date | null }[]>`
    SELECT id, blocked, last_inbound_at FROM contacts WHERE id = ${ticket.contact_id}`;
  if (!contact) throw new Error(`contact of ticket ${ticket.id} not found`);
  if (contact.blocked === blocked) return ctx.refuse(say(locale, blocked ? 'block.already' : 'unblock.already'));
  const window = ctx.caps?.blockWindowHours ?? null;
  if (blocked && window !== null && (!contact.last_inbound_at || Date.now() - contact.last_inbound_at.getTime() > window * HOUR_MS)) {
    return ctx.refuse(say(locale, 'block.too_late', { hours: window }));
  }
  await tx`UPDATE contacts SET blocked = ${blocked}, updated_at = now() WHERE id = ${contact.id}`;
  await audit.record(tx, `${agent.platform}:${agent.platform_user_id}`, blocked ? 'contact.block' : 'contact.unblock', { contactId: contact.id, ticketId: ticket.id });
  if (window !== null) await lanes.add(customerLane(ticket.id), { kind: 'customer.block', ticketId: ticket.id, blocked });
  const name = agent.display_name ?? agent.platform_user_id;
  const noticeId = await insertNotice(tx, ticket.id, say(locale, blocked ? 'block.done' : 'unblock.done', { agent: name }));
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
}

export async function isContactBlocked(ctx: Pick<ActionContext, 'tx' | 'ticket'>): Promise<boolean> {
  const [row] = await ctx.tx<{ blocked: boolean }[]>`SELECT blocked FROM contacts WHERE id = ${ctx.ticket.contact_id}`;
  return row?.blocked ?? false;
}
