import type { Tx } from '../db/connect.js';
import type { AgentMessageEvent } from '../core/events.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { TransitionRejected } from '../core/errors.js';
import type { Agent } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { insertMessage, isLinked, linkMessage } from '../messages/repository.js';
import { findTicketByThread, transition, type Ticket } from '../tickets/repository.js';
import type { TicketAction } from '../tickets/state-machine.js';
import { t, type Locale } from '../i18n/catalog.js';
import { classifyAgentText } from './agent-text.js';
import { signReply, splitText } from './compose-reply.js';
import { LaneSet, agentLane, customerLane } from './outbox.js';
import { ignored, type Outcome } from './outcome.js';

export interface AgentInboundContext {
  locale: Locale;
  capabilitiesOf(channel: string): ChannelCapabilities | undefined;
}

/** Commands this slice understands; the rest are answered with a notice, never relayed. */
const COMMANDS: Record<string, TicketAction> = { accept: 'accept', resolve: 'resolve' };

/**
 * An agent's message in a thread, inside the ingest transaction (the author's profile was
 * resolved before it began):
 *  1. find the ticket by its thread (other threads are not ours);
 *  2. drop redeliveries (the agent's message id is already linked);
 *  3. notes stay internal and are marked 🔒; `!` commands act on the ticket;
 *  4. a reply is signed, split to the channel's limit, and queued for the customer in order —
 *     accepting a pending ticket on the way (Whaticket: replying is accepting).
 */
export async function handleAgentMessage(tx: Tx, ev: AgentMessageEvent, agent: Agent, ctx: AgentInboundContext): Promise<Outcome> {
  const ticket = await findTicketByThread(tx, ev.platform, ev.containerId, ev.threadId);
  if (!ticket) return ignored('not_a_ticket_thread');
  if (await isLinked(tx, ev.platform, ev.externalId)) return ignored('duplicate');

  const lanes = new LaneSet(tx);
  const notice = async (text: string) => {
    const id = await insertMessage(tx, { ticketId: ticket.id, direction: 'system', body: text });
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: id });
  };
  const record = async (direction: 'note' | 'outbound', body: string, kind = 'text') => {
    const id = await insertMessage(tx, {
      ticketId: ticket.id,
      direction,
      body,
      kind,
      authorAgentId: agent.id,
      occurredAt: ev.occurredAt,
      deliveryStatus: direction === 'outbound' ? 'queued' : undefined,
    });
    await linkMessage(tx, id, ev.platform, ev.externalId);
    return id;
  };

  const parsed = classifyAgentText(ev.text);
  if (parsed.type === 'note') {
    const id = await record('note', parsed.text);
    await lanes.add(agentLane(ticket.id), { kind: 'reaction.add', messageId: id, name: 'lock' });
    return { state: 'done', lanes: lanes.list() };
  }

  if (parsed.type === 'command') {
    await record('note', ev.text, 'command');
    const action = COMMANDS[parsed.name];
    if (!action) {
      await notice(t(ctx.locale, 'thread.unknown_command', { command: `!${parsed.name}` }));
      return { state: 'done', lanes: lanes.list() };
    }
    await act(tx, ticket, action, agent, ctx.locale, lanes, notice);
    return { state: 'done', lanes: lanes.list() };
  }

  if (ev.fileCount) await notice(t(ctx.locale, 'thread.files_not_sent'));
  if (!parsed.text.trim()) {
    await record('note', ev.text, 'not_sent');
    return { state: 'done', lanes: lanes.list() };
  }
  if (ticket.status === 'resolved') {
    await record('note', ev.text, 'not_sent');
    await notice(t(ctx.locale, 'thread.closed_ticket'));
    return { state: 'done', lanes: lanes.list() };
  }
  if (ticket.status === 'pending') await act(tx, ticket, 'accept', agent, ctx.locale, lanes, notice);

  const connection = await getConnection(tx, ticket.connection_id);
  const caps = ctx.capabilitiesOf(connection.channel);
  if (!caps) return ignored('channel_off');
  const body = signReply(agent.signature_enabled ? agent.display_name : null, parsed.text, caps);
  const messageId = await record('outbound', body);
  const parts = splitText(body, caps.maxTextLength);
  for (const [part, text] of parts.entries()) {
    await lanes.add(customerLane(ticket.id), { kind: 'customer.send', messageId, part, text });
  }
  return { state: 'done', lanes: lanes.list() };
}

async function act(
  tx: Tx,
  ticket: Ticket,
  action: TicketAction,
  agent: Agent,
  locale: Locale,
  lanes: LaneSet,
  notice: (text: string) => Promise<void>,
): Promise<void> {
  try {
    const after = await transition(tx, ticket.id, action, agent.id);
    await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
    const name = agent.display_name ?? agent.platform_user_id;
    if (action === 'resolve') await notice(t(locale, 'thread.resolved', { protocol: after.protocol, agent: name }));
    if (action === 'accept') await notice(t(locale, 'thread.accepted', { agent: name }));
    ticket.status = after.status;
  } catch (err) {
    if (!(err instanceof TransitionRejected)) throw err;
    const by = err.current.assigneeName ? t(locale, 'transition.by', { agent: err.current.assigneeName }) : '';
    const status = t(locale, `status.${err.current.status as 'pending' | 'open' | 'resolved'}`).toLowerCase();
    await notice(t(locale, 'transition.rejected', { status, by }));
  }
}
