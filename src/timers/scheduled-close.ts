import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import { findAgentById } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { insertNotice } from '../messages/repository.js';
import { claimScheduledClose, type Ticket } from '../tickets/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { LaneSet, agentLane } from '../pipeline/outbox.js';
import { runTicketCommand, type ActionContext } from '../tickets/transitions.js';

/** Arms the wake-up of a scheduled resolve (the row is the truth; see the sweeper). */
export type ArmClose = (ticketId: string, at: Date) => Promise<void>;

async function notice(tx: Tx, ticketId: string, lanes: LaneSet, text: Rich): Promise<void> {
  const id = await insertNotice(tx, ticketId, text);
  await lanes.add(agentLane(ticketId), { kind: 'thread.post', messageId: id });
}

/** `!resolve in 30m …`: writes the deadline, shows it on the card, and arms the wake-up. */
export async function scheduleClose(
  ctx: ActionContext,
  o: { delayMs: number; keepOnReply: boolean; silent: boolean; reason: string; arm: ArmClose | undefined },
): Promise<void> {
  const at = new Date(Date.now() + o.delayMs);
  const rows = await ctx.tx`
    UPDATE tickets SET scheduled_close_at = ${at}, scheduled_close_by = ${ctx.agent.id}, scheduled_close_keep = ${o.keepOnReply},
      scheduled_close_silent = ${o.silent}, scheduled_close_reason = ${o.reason || null}, updated_at = now()
    WHERE id = ${ctx.ticket.id} AND status <> 'resolved' RETURNING id`;
  if (rows.length === 0) return ctx.refuse(say(ctx.locale, 'thread.closed_ticket'));
  const name = ctx.agent.display_name ?? ctx.agent.platform_user_id;
  const when = at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  await notice(ctx.tx, ctx.ticket.id, ctx.lanes, say(ctx.locale, o.keepOnReply ? 'schedule.set_keep' : 'schedule.set', { agent: name, when }));
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
  // Armed before commit: a wake-up that comes early finds the row unchanged and does nothing.
  await o.arm?.(ctx.ticket.id, at).catch(() => {});
}

/** `!resolve cancel`. */
export async function cancelClose(ctx: ActionContext): Promise<void> {
  const rows = await ctx.tx`
    UPDATE tickets SET scheduled_close_at = NULL, updated_at = now()
    WHERE id = ${ctx.ticket.id} AND scheduled_close_at IS NOT NULL RETURNING id`;
  if (rows.length === 0) return ctx.refuse(say(ctx.locale, 'schedule.none'));
  const name = ctx.agent.display_name ?? ctx.agent.platform_user_id;
  await notice(ctx.tx, ctx.ticket.id, ctx.lanes, say(ctx.locale, 'schedule.cancelled', { agent: name }));
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
}

/** A customer message cancels a scheduled resolve, unless it was set with keep-on-reply. */
export async function cancelCloseOnReply(tx: Tx, ticket: Ticket, locale: Locale, lanes: LaneSet): Promise<void> {
  if (!ticket.scheduled_close_at || ticket.scheduled_close_keep) return;
  await tx`UPDATE tickets SET scheduled_close_at = NULL, updated_at = now() WHERE id = ${ticket.id}`;
  await notice(tx, ticket.id, lanes, say(locale, 'schedule.cancelled_by_reply'));
  await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
}

/**
 * The wake-up of a scheduled resolve. It acts at most once, and only if the ticket is still
 * active and its deadline has come (guarantee 6): the row is locked, checked and cleared in
 * the same transaction as the resolve.
 */
export async function fireScheduledClose(
  tx: Tx,
  ticketId: string,
  o: { locale: Locale; capabilitiesOf(channel: string): ChannelCapabilities | undefined },
): Promise<string[]> {
  // One statement claims the deadline and reads the ticket (it was a locked SELECT, an UPDATE
  // and a second SELECT of the same row): the row lock holds until the resolve commits.
  const due = await claimScheduledClose(tx, ticketId);
  if (!due) return [];
  const { ticket } = due;
  const agent = due.by ? await findAgentById(tx, due.by) : undefined;
  if (!agent) return [];
  const lanes = new LaneSet(tx);
  const caps = o.capabilitiesOf((await getConnection(tx, ticket.connection_id)).channel);
  await runTicketCommand(
    { tx, ticket, agent, locale: o.locale, caps, lanes, refuse: (text) => notice(tx, ticketId, lanes, text) },
    { action: 'resolve', silent: due.silent, reason: due.reason ?? undefined },
  );
  return lanes.list();
}
