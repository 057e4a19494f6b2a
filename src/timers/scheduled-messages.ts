import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { findAgentById } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { insertMessage, insertNotice } from '../messages/repository.js';
import { getSignaturePolicy } from '../settings/repository.js';
import { findTicket } from '../tickets/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { signReply, splitText } from '../agent/compose-reply.js';
import { LaneSet, agentLane, customerLane } from '../pipeline/outbox.js';
import { parseResolveArgs } from '../agent/resolve-args.js';
import type { ActionContext } from '../tickets/transitions.js';
import { lastInboundOf, replyWindow } from '../customer/reply-window.js';

export type ArmMessage = (scheduledId: string, at: Date) => Promise<void>;

async function notice(tx: Tx, ticketId: string, lanes: LaneSet, text: Rich): Promise<void> {
  const id = await insertNotice(tx, ticketId, text);
  await lanes.add(agentLane(ticketId), { kind: 'thread.post', messageId: id });
}

/** `!schedule in 2h <text>`, `!schedule list`, `!schedule cancel`. */
export async function scheduleCommand(ctx: ActionContext, args: string, arm: ArmMessage | undefined): Promise<void> {
  const { tx, ticket, locale } = ctx;
  const verb = args.trim().toLowerCase();
  if (verb === 'list' || verb === 'cancel') {
    const rows = await tx<{ body: string; send_at: Date }[]>`
      ${verb === 'cancel' ? tx`UPDATE scheduled_messages SET state = 'cancelled' WHERE ticket_id = ${ticket.id} AND state = 'pending' RETURNING body, send_at`
        : tx`SELECT body, send_at FROM scheduled_messages WHERE ticket_id = ${ticket.id} AND state = 'pending' ORDER BY send_at`}`;
    if (rows.length === 0) return ctx.refuse(say(locale, 'scheduled.none'));
    const lines = rows.map((r) => `• ${r.send_at.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${r.body}`).join('\n');
    return notice(tx, ticket.id, ctx.lanes, say(locale, verb === 'cancel' ? 'scheduled.cancelled' : 'scheduled.list', { lines }));
  }
  // The delay grammar is the one of `!resolve in …`: "in <n><s|m|h|d>", then the text.
  const m = /^in\s+(\S+)\s+([\s\S]+)$/i.exec(args.trim());
  const parsed = m ? parseResolveArgs(`in ${m[1]}`) : undefined;
  if (!m || !parsed || parsed.kind !== 'later') return ctx.refuse(say(locale, 'scheduled.usage'));
  if (ticket.status === 'resolved') return ctx.refuse(say(locale, 'thread.closed_ticket'));
  const at = new Date(Date.now() + parsed.delayMs);
  const [row] = await tx<{ id: string }[]>`
    INSERT INTO scheduled_messages (ticket_id, author_agent_id, body, send_at) VALUES (${ticket.id}, ${ctx.agent.id}, ${m[2]!.trim()}, ${at}) RETURNING id`;
  await notice(tx, ticket.id, ctx.lanes, say(locale, 'scheduled.set', { when: at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' }));
  await arm?.(row!.id, at).catch(() => {}); // early wake-ups find the row not yet due
}

/**
 * A scheduled message's wake-up: sends it (signed as its author) if it is still pending, due,
 * and the ticket still open to replies; marks it either way, so it acts at most once.
 */
export async function fireScheduledMessage(
  tx: Tx,
  scheduledId: string,
  o: { locale: Locale; capabilitiesOf(channel: string): ChannelCapabilities | undefined },
): Promise<string[]> {
  const [due] = await tx<{ id: string; ticket_id: string; author_agent_id: string; body: string }[]>`
    SELECT id, ticket_id, author_agent_id, body FROM scheduled_messages
    WHERE id = ${scheduledId} AND state = 'pending' AND send_at <= now() FOR UPDATE`;
  if (!due) return [];
  const ticket = await findTicket(tx, due.ticket_id);
  const agent = await findAgentById(tx, due.author_agent_id);
  const lanes = new LaneSet(tx);
  const [contact] = ticket ? await tx<{ blocked: boolean }[]>`SELECT blocked FROM contacts WHERE id = ${ticket.contact_id}` : [];
  const caps = ticket ? o.capabilitiesOf((await getConnection(tx, ticket.connection_id)).channel) : undefined;
  const window = ticket && caps ? replyWindow(caps, await lastInboundOf(tx, ticket.id)) : 'closed';
  if (!ticket || !agent || !caps || ticket.status === 'resolved' || contact?.blocked || window === 'closed') {
    await tx`UPDATE scheduled_messages SET state = 'skipped' WHERE id = ${due.id}`;
    const key = ticket && caps && window === 'closed' && ticket.status !== 'resolved' && !contact?.blocked ? 'scheduled.window_closed' : 'scheduled.skipped';
    if (ticket) await notice(tx, ticket.id, lanes, say(o.locale, key, { text: due.body }));
    return lanes.list();
  }
  await tx`UPDATE scheduled_messages SET state = 'sent' WHERE id = ${due.id}`;
  const policy = await getSignaturePolicy(tx);
  const body = signReply(agent.signature_enabled || policy.locked ? agent.display_name : null, due.body, caps, policy.format);
  const messageId = await insertMessage(tx, { ticketId: ticket.id, direction: 'outbound', body, kind: 'scheduled', authorAgentId: agent.id, deliveryStatus: 'queued' });
  for (const [part, text] of splitText(body, caps.maxTextLength, caps.textUnit).entries()) {
    await lanes.add(customerLane(ticket.id), { kind: 'customer.send', messageId, part, text, ...(window === 'human_agent' ? { humanAgent: true } : {}) });
  }
  await notice(tx, ticket.id, lanes, say(o.locale, 'scheduled.sent', { text: due.body }));
  return lanes.list();
}
