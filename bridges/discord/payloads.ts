import type { AgentActionEvent, AgentFileRef, AgentMessageEvent, AgentReactionEvent } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import { interactionDedupeKey, messageDedupeKey, messageId, parseControlId, reactionOrderingKey, threadOrderingKey, type Control } from './ids.js';

/**
 * Raw gateway payloads (API v10, as Discord sends them) → the core's events, or why not. Pure:
 * the listener (inbound.ts) resolves a thread's parent channel and does the I/O.
 */

export interface RawUser { id: string; username?: string; global_name?: string | null; bot?: boolean }
export interface RawMember { nick?: string | null; permissions?: string; user?: RawUser }
export interface RawAttachment { id: string; filename: string; size: number; url: string; content_type?: string }

export interface RawMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type?: number;
  content?: string;
  author?: RawUser;
  member?: RawMember;
  webhook_id?: string;
  attachments?: RawAttachment[];
  timestamp?: string;
}

/** Message types a person writes: DEFAULT and REPLY (joins, pins, thread starters are not). */
const PERSON_TYPES = new Set([undefined, 0, 19]);

export type Parsed = { record: InboundRecord } | { ignored: IgnoredRecord } | { skip: string };

/**
 * Ponte's own posts come back over the gateway at every post (a customer's line through a
 * webhook, a card or a notice from the bot). Recognised from the payload alone, they are not
 * recorded: that would cost a transaction per post and tell no one anything (docs/performance.md).
 * Any webhook's message is no agent's either.
 */
export function echoOf(d: Pick<RawMessage, 'webhook_id' | 'author'>, botUserId: string | undefined): 'webhook_echo' | 'own_message' | undefined {
  if (d.webhook_id) return 'webhook_echo';
  if (botUserId !== undefined && d.author?.id === botUserId) return 'own_message';
  return undefined;
}

/**
 * An agent's message in a ticket post → `agent.message`. Echoes never loop: a webhook's message
 * (customer posts come back over the gateway with `webhook_id`) and Ponte's own are skipped, any
 * other bot's ignored. `parentId` is the post's forum or channel (undefined: not in a thread).
 */
export function parseMessage(d: RawMessage, parentId: string | undefined, botUserId: string | undefined): Parsed {
  const dedupeKey = messageDedupeKey(d.id);
  if (!d.guild_id) return { skip: 'not_in_a_server' };
  if (!parentId) return { skip: 'not_in_thread' };
  const ignored = (reason: string): Parsed => ({ ignored: { dedupeKey, kind: 'discord.message', reason } });
  const echo = echoOf(d, botUserId);
  if (echo) return { skip: echo };
  if (!d.author || d.author.bot) return ignored('bot_message');
  if (!PERSON_TYPES.has(d.type)) return ignored(`type_${d.type}`);
  const content = d.content ?? '';
  const event: AgentMessageEvent = {
    type: 'agent.message',
    platform: 'discord',
    containerId: parentId,
    threadId: d.channel_id,
    externalId: messageId(d.channel_id, d.id),
    userId: d.author.id,
    text: discordToPlain(content),
    files: attachments(d.attachments),
    addressedToTeammate: /^\s*<@!?\d+>/.test(content),
    mentions: {
      channels: [...content.matchAll(/<#(\d+)>/g)].map((m) => m[1]!),
      users: [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!),
    },
    occurredAt: d.timestamp ?? new Date().toISOString(),
  };
  return { record: { event, dedupeKey, orderingKey: threadOrderingKey(d.channel_id) } };
}

/** MESSAGE_REACTION_ADD carries the reacting `member` (with its user) in a server; a removal does not. */
export interface RawReaction { user_id: string; channel_id: string; message_id: string; guild_id?: string; emoji: { id: string | null; name: string | null }; member?: RawMember }

/**
 * An agent's reaction → `agent.reaction` on the message Ponte posted (`channel:message`, as
 * `post()` returned it). Ponte's own marks and custom emoji (no unicode for a customer) are not.
 * The gateway gives reactions no id: a replay after a resume is rare and harmless (a reaction is
 * a state), so the key is the moment it was seen.
 */
export function parseReaction(d: RawReaction, removed: boolean, botUserId: string | undefined, seenAt = Date.now()): Parsed {
  if (!d.guild_id) return { skip: 'not_in_a_server' };
  if (d.user_id === botUserId) return { skip: 'own_reaction' };
  if (d.emoji.id || !d.emoji.name) return { skip: 'custom_emoji' };
  const event: AgentReactionEvent = {
    type: 'agent.reaction',
    platform: 'discord',
    userId: d.user_id,
    messageExternalId: messageId(d.channel_id, d.message_id),
    emoji: d.emoji.name,
    removed,
    occurredAt: new Date(seenAt).toISOString(),
  };
  const dedupeKey = `discord:r:${d.message_id}:${d.user_id}:${removed ? '-' : '+'}:${d.emoji.name}:${seenAt}`;
  return { record: { event, dedupeKey, orderingKey: reactionOrderingKey(d.message_id) } };
}

export interface RawInteraction {
  id: string;
  application_id: string;
  type: number;
  token: string;
  guild_id?: string;
  channel_id?: string;
  channel?: { id: string; parent_id?: string | null };
  member?: RawMember;
  user?: RawUser;
  locale?: string;
  message?: { id: string };
  /** A component press (3): its custom_id, and a select's chosen values. A modal submit (5): its custom_id and fields. */
  data?: { custom_id?: string; component_type?: number; values?: string[]; components?: RawModalComponent[] };
}

/** A modal submit's top-level component: a Label (18) around one field, or a legacy action row (1) of text inputs. */
export interface RawModalComponent {
  type: number;
  custom_id?: string;
  value?: string | boolean | null;
  values?: string[];
  component?: RawModalComponent;
  components?: RawModalComponent[];
}

/** A press on one of Ponte's controls: which, on what ticket, by whom, and where (the post and its forum). */
export interface Press {
  control: Control;
  ticketId: string;
  userId: string;
  /** The More menu's chosen option. */
  option?: string;
  containerId: string;
  threadId: string;
}

/**
 * A component press (INTERACTION_CREATE type 3: a button, or the More select) on one of Ponte's
 * controls → the control, its ticket, who pressed and where. `parentId` is the post's forum.
 */
export function parsePress(d: RawInteraction, parentId: string | undefined): Press | { skip: string } {
  if (d.type !== 3) return { skip: `interaction_type_${d.type}` };
  const pressed = parseControlId(d.data?.custom_id ?? '');
  if (!pressed) return { skip: 'not_our_control' };
  const userId = d.member?.user?.id ?? d.user?.id;
  if (!userId) return { skip: 'no_user' };
  const option = pressed.control === 'more' ? d.data?.values?.[0] : undefined;
  return { ...pressed, userId, ...(option ? { option } : {}), containerId: parentId ?? '', threadId: d.channel_id ?? '' };
}

/** The core's action for a press (or a form's answer), ordered with the post's messages, deduped by the interaction's id. */
export function actionRecord(interactionId: string, press: Omit<Press, 'control' | 'option'>, fields: Omit<AgentActionEvent, 'type' | 'platform' | 'ticketId' | 'userId' | 'containerId' | 'threadId' | 'from' | 'occurredAt'>): InboundRecord {
  const { containerId, threadId } = press;
  const event: AgentActionEvent = {
    type: 'agent.action',
    platform: 'discord',
    ...fields,
    ticketId: press.ticketId,
    userId: press.userId,
    containerId,
    threadId,
    ...(threadId ? { from: { kind: 'thread' as const, containerId, threadId } } : {}),
    occurredAt: new Date().toISOString(),
  };
  const orderingKey = threadId ? threadOrderingKey(threadId) : `discord:ticket:${press.ticketId}`;
  return { event, dedupeKey: interactionDedupeKey(interactionId), orderingKey };
}

/** Agent text → what the customer reads: mentions, channels, custom emoji and timestamps as words; escapes undone. */
export function discordToPlain(text: string): string {
  return text
    .replace(/<@!?(\d+)>/g, '@$1')
    .replace(/<@&\d+>/g, '@role')
    .replace(/<#\d+>/g, '#channel')
    .replace(/<a?:(\w+):\d+>/g, ':$1:')
    .replace(/<t:(-?\d+)(?::[tTdDfFR])?>/g, (_m, s: string) => new Date(Number(s) * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC')
    .replace(/\\([^0-9A-Za-z\s])/g, '$1');
}

function attachments(list: RawAttachment[] | undefined): AgentFileRef[] | undefined {
  const refs = (list ?? []).map((a) => ({ id: a.id, name: a.filename || 'file', mimeType: a.content_type || 'application/octet-stream', size: a.size ?? 0, url: a.url }));
  return refs.length ? refs : undefined;
}
