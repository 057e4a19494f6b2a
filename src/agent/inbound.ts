import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { AgentFileRef, AgentMessageEvent } from '../core/events.js';
import type { ChannelCapabilities } from '../core/ports.js';
import type { Agent } from '../agents/repository.js';
import { getConnection } from '../connections/repository.js';
import { insertMessage, insertNotice, isLinked, linkMessage } from '../messages/repository.js';
import { findTicketByThread, type Ticket } from '../tickets/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { runThreadCommand } from './commands.js';
import { isContactBlocked } from '../tickets/blocking.js';
import type { ArmClose } from '../timers/scheduled-close.js';
import type { ArmMessage } from '../timers/scheduled-messages.js';
import { classifyAgentText } from './classify-text.js';
import { signReply, splitText } from './compose-reply.js';
import { LaneSet, agentLane, customerLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';
import { runTicketCommand, type TicketCommand } from '../tickets/transitions.js';
import { fillTemplate, templateVars } from '../tickets/auto-messages.js';
import { findQuickReply } from '../quick-replies/repository.js';
import { getSignaturePolicy, isExplicitMode } from '../settings/repository.js';
import { lastInboundOf, replyWindow } from '../customer/reply-window.js';
import { queueMarkRead } from '../customer/mark-read.js';
import { captioned, mediaKindOf } from '../customer/media-kind.js';
import { startInactivityClock } from '../timers/inactivity.js';

export interface AgentInboundContext {
  locale: Locale;
  capabilitiesOf(channel: string): ChannelCapabilities | undefined;
  /** Arms a scheduled resolve's wake-up (absent: the sweeper arms it). */
  armClose?: ArmClose;
  /** Arms a scheduled message's wake-up (absent: the sweeper arms it). */
  armMessage?: ArmMessage;
  /** PONTE_ADMINS, for what only admins or a department's agents may see. */
  envAdmins?: readonly string[];
  /** The workspace's time zone (PONTE_TIMEZONE), for `!schedule` times. */
  timeZone?: string;
}


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
  const notice = async (text: Rich, offerTemplates = false) => {
    const id = await insertNotice(tx, ticket.id, text);
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: id, ...(offerTemplates ? { offerTemplates } : {}) });
  };
  const record = async (direction: 'note' | 'outbound', body: string, kind = 'text', attachments?: AgentFileRef[]) => {
    const id = await insertMessage(tx, {
      ticketId: ticket.id,
      direction,
      body,
      kind,
      authorAgentId: agent.id,
      occurredAt: ev.occurredAt,
      deliveryStatus: direction === 'outbound' ? 'queued' : undefined,
      attachments,
    });
    await linkMessage(tx, id, ev.platform, ev.externalId);
    return id;
  };
  const caps = await capabilities(tx, ticket, ctx);
  const actx = { tx, ticket, agent, locale: ctx.locale, caps, lanes, refuse: notice };
  const command = (cmd: TicketCommand) => runTicketCommand(actx, cmd);

  // A message that opens by mentioning a teammate is talk between agents (DESIGN §6).
  const parsed = ev.addressedToTeammate ? ({ type: 'note', text: ev.text } as const) : classifyAgentText(ev.text);
  if (parsed.type === 'note') {
    const id = await record('note', parsed.text);
    await lanes.add(agentLane(ticket.id), { kind: 'reaction.add', messageId: id, name: '🔒' });
    return { state: 'done', lanes: lanes.list() };
  }

  let replyText = parsed.type === 'reply' ? parsed.text : '';
  if (parsed.type === 'reply' && (await isExplicitMode(tx))) {
    // Explicit mode: chat in the thread is for the team; `!r <text>` is what goes out.
    await record('note', parsed.text);
    return { state: 'done', lanes: lanes.list() };
  }
  if (parsed.type === 'command' && parsed.name === 'r') {
    replyText = parsed.args;
  } else if (parsed.type === 'command' && parsed.name.startsWith('!')) {
    // `!!shortcut [more text]`: the quick reply, variables filled, then whatever followed.
    const shortcut = parsed.name.slice(1);
    const template = await findQuickReply(tx, shortcut);
    if (!template) {
      await record('note', ev.text, 'command');
      await notice(say(ctx.locale, 'thread.unknown_quickreply', { shortcut }));
      return { state: 'done', lanes: lanes.list() };
    }
    const filled = fillTemplate(template, await templateVars(tx, ticket.id, agent.display_name ?? agent.platform_user_id));
    replyText = parsed.args ? `${filled}\n${parsed.args}` : filled;
  } else if (parsed.type === 'command') {
    await record('note', ev.text, 'command');
    await runThreadCommand(parsed.name, { actx, ev, args: parsed.args, armClose: ctx.armClose, armMessage: ctx.armMessage, timeZone: ctx.timeZone, envAdmins: ctx.envAdmins });
    return { state: 'done', lanes: lanes.list() };
  }

  const files = ev.files ?? [];
  if (!replyText.trim() && files.length === 0) {
    await record('note', ev.text, 'not_sent');
    return { state: 'done', lanes: lanes.list() };
  }
  if (ticket.status === 'resolved') {
    await record('note', ev.text, 'not_sent');
    await notice(say(ctx.locale, 'thread.closed_ticket'));
    return { state: 'done', lanes: lanes.list() };
  }
  if (!caps) return ignored('channel_off');
  if (await isContactBlocked({ tx, ticket })) {
    await record('note', ev.text, 'not_sent');
    await notice(say(ctx.locale, 'thread.blocked_contact'));
    return { state: 'done', lanes: lanes.list() };
  }
  // The channel's window: free text only within it (Messenger/Instagram: a person's reply may
  // go for 7 days, tagged); after it, WhatsApp takes only templates — the agent is told so.
  const lastInbound = await lastInboundOf(tx, ticket.id);
  const window = replyWindow(caps, lastInbound);
  if (window === 'closed') {
    await record('note', ev.text, 'not_sent');
    // A conversation Ponte started (`/ponte new`): the customer has not written at all yet.
    const key = caps.templates ? (lastInbound ? 'window.closed_templates' : 'window.not_yet_templates') : 'window.closed';
    await notice(say(ctx.locale, key, { hours: caps.humanAgentWindowHours ?? caps.windowHours }), caps.templates);
    return { state: 'done', lanes: lanes.list() };
  }
  if (ticket.status === 'pending') await command({ action: 'accept' });
  if (window === 'open') await queueMarkRead(tx, ticket.id, lanes);

  const humanAgent = window === 'human_agent' ? { humanAgent: true } : {};
  let body = '';
  if (replyText.trim()) {
    replyText = await nameMentions(tx, ev, replyText);
    const policy = await getSignaturePolicy(tx);
    body = signReply(agent.signature_enabled || policy.locked ? agent.display_name : null, replyText, caps, policy.format);
  }
  const messageId = await record('outbound', body, files.length && !body ? 'file' : 'text', files);
  // One file with a short text goes as one message, the text its caption (WhatsApp), when that
  // kind of file shows one; otherwise the text goes first, then each file, one send each.
  const caption = files.length === 1 && body && caps.captionMaxLength && body.length <= caps.captionMaxLength && captioned(mediaKindOf(files[0]!.mimeType)) ? body : undefined;
  const parts = body && !caption ? splitText(body, caps.maxTextLength, caps.textUnit) : [];
  for (const [part, text] of parts.entries()) {
    await lanes.add(customerLane(ticket.id), { kind: 'customer.send', messageId, part, text, ...humanAgent });
  }
  for (const [i, file] of files.entries()) {
    await lanes.add(customerLane(ticket.id), { kind: 'customer.media', messageId, part: parts.length + i, file, ...humanAgent, ...(caption ? { caption } : {}) });
  }
  // The customer now owes a reply: the department's inactivity clock starts (or starts over).
  await startInactivityClock(tx, ticket.id, lanes);
  return { state: 'done', lanes: lanes.list() };
}

async function capabilities(tx: Tx, ticket: Ticket, ctx: AgentInboundContext): Promise<ChannelCapabilities | undefined> {
  return ctx.capabilitiesOf((await getConnection(tx, ticket.connection_id)).channel);
}


/** `@<platform user id>` in a reply (the bridge's rendering of a mention) → `@Name` when we know them. */
async function nameMentions(tx: Tx, ev: AgentMessageEvent, text: string): Promise<string> {
  const ids = [...new Set(ev.mentions?.users ?? [])];
  if (ids.length === 0) return text;
  const rows = await tx<{ platform_user_id: string; display_name: string | null }[]>`
    SELECT platform_user_id, display_name FROM agents WHERE platform = ${ev.platform} AND platform_user_id = ANY(${ids})`;
  const names = new Map(rows.map((r) => [r.platform_user_id, r.display_name]));
  return text.replace(/@([A-Z0-9]+)\b/g, (whole, id: string) => (names.get(id) ? `@${names.get(id)}` : whole));
}
