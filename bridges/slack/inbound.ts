import type { ActionOrigin, AgentActionEvent, AgentFileRef, AgentHomeEvent, AgentMessageEvent, AgentReactionEvent } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import type { FormKind } from '../../src/core/ports.js';
import { formOpenedBy, isMoreAction } from '../../src/agent-ui/control-ids.js';
import {
  ACTIONS_SHORTCUT, ACTION_IDS, controlOf, eventDedupeKey, interactionDedupeKey, isoFromTs, messageId, parseMoreOption, reactionOrderingKey, threadOrderingKey,
} from './ids.js';
import { emojiForSlackName } from './emoji.js';
import { pressOrigin } from './view-origin.js';
import { slackToPlain } from './mrkdwn.js';
import { appHomeOpened, blockActions, eventCallback, messageEvent, messageShortcut, reactionEvent } from './schema.js';

/** Subtypes that are a person writing; everything else (edits, joins, bots) is not relayed. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export type ParsedEvent = { record: InboundRecord } | { ignored: IgnoredRecord } | { error: string };

/**
 * An Events API `event_callback` → an agent message (or reaction), or the reason it is not one:
 *  1. validate the envelope (a bad one is 'rejected' by the caller);
 *  2. reactions go their own way (`parseReaction`);
 *  3. only `message` events written by a person — never a bot, never our own posts (loop guard);
 *     a message with files and no text (subtype file_share) is one;
 *  4. only replies inside a thread (a thread root is not a ticket reply);
 *  5. key it by event_id, so Slack's retries of the same event are no-ops.
 */
export function parseEventCallback(body: unknown, botUserId?: string): ParsedEvent {
  const envelope = eventCallback.safeParse(body);
  if (!envelope.success) return { error: `invalid event_callback: ${envelope.error.issues[0]?.message ?? 'unknown'}` };
  const dedupeKey = eventDedupeKey(envelope.data.event_id);
  const skip = (reason: string, kind = `slack.${envelope.data.event.type}`): ParsedEvent => ({ ignored: { dedupeKey, kind, reason } });

  if (envelope.data.event.type === 'app_home_opened') {
    const home = appHomeOpened.safeParse(envelope.data.event);
    if (!home.success) return { error: 'invalid app_home_opened' };
    if (home.data.tab !== 'home') return skip('not_home_tab');
    const event: AgentHomeEvent = { type: 'agent.home', platform: 'slack', userId: home.data.user, occurredAt: new Date().toISOString() };
    return { record: { event, dedupeKey, orderingKey: `slack:home:${home.data.user}` } };
  }
  if (envelope.data.event.type === 'reaction_added' || envelope.data.event.type === 'reaction_removed') {
    return parseReaction(envelope.data.event, dedupeKey, skip, botUserId);
  }
  if (envelope.data.event.type !== 'message') return skip('unsupported_event');
  const parsed = messageEvent.safeParse(envelope.data.event);
  if (!parsed.success) return { error: `invalid message event: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  const ev = parsed.data;
  if (ev.bot_id || ev.subtype === 'bot_message' || (botUserId && ev.user === botUserId)) return skip('bot_message');
  if (!PERSON_SUBTYPES.has(ev.subtype)) return skip(`subtype_${ev.subtype}`);
  if (!ev.user) return skip('no_author');
  if (!ev.thread_ts || ev.thread_ts === ev.ts) return skip('not_in_thread');

  const event: AgentMessageEvent = {
    type: 'agent.message',
    platform: 'slack',
    containerId: ev.channel,
    threadId: ev.thread_ts,
    externalId: messageId(ev.channel, ev.ts),
    userId: ev.user,
    text: slackToPlain(ev.text ?? ''),
    files: slackFiles(ev.files),
    addressedToTeammate: /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>/.test(ev.text ?? ''),
    mentions: {
      channels: [...(ev.text ?? '').matchAll(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!),
      users: [...(ev.text ?? '').matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!),
    },
    occurredAt: isoFromTs(ev.ts),
  };
  return { record: { event, dedupeKey, orderingKey: threadOrderingKey(ev.channel, ev.thread_ts) } };
}

/**
 * An agent's reaction on a message → `agent.reaction`, keyed like the message Ponte posted
 * (`channel:ts`, as `post()` returns it) so the core can find what it was. Skipped: reactions on
 * files, Ponte's own delivery marks (✔️✅👀❌ are the bot's reactions), and custom emoji, which
 * have no unicode to send to a customer.
 */
function parseReaction(raw: unknown, dedupeKey: string, skip: (reason: string) => ParsedEvent, botUserId?: string): ParsedEvent {
  const p = reactionEvent.safeParse(raw);
  if (!p.success) return { error: `invalid reaction event: ${p.error.issues[0]?.message ?? 'unknown'}` };
  const ev = p.data;
  if (ev.item.type !== 'message' || !ev.item.channel || !ev.item.ts) return skip('not_a_message');
  if (botUserId && ev.user === botUserId) return skip('own_reaction');
  const emoji = emojiForSlackName(ev.reaction);
  if (!emoji) return skip('custom_emoji');
  const event: AgentReactionEvent = {
    type: 'agent.reaction',
    platform: 'slack',
    userId: ev.user,
    messageExternalId: messageId(ev.item.channel, ev.item.ts),
    emoji,
    removed: ev.type === 'reaction_removed',
    occurredAt: isoFromTs(ev.event_ts),
  };
  return { record: { event, dedupeKey, orderingKey: reactionOrderingKey(ev.item.channel, ev.item.ts) } };
}

const ACTIONS: Record<string, AgentActionEvent['action']> = { [ACTION_IDS.accept]: 'accept', [ACTION_IDS.resolve]: 'resolve' };

/**
 * An interactivity payload → a ticket action, or the reason it is not one. A card button's
 * value is the ticket id; the action is ordered with the messages of the card's thread.
 */
export function parseInteraction(body: unknown): ParsedEvent {
  const type = (body as { type?: unknown } | null)?.type;
  if (type !== 'block_actions') return { ignored: { dedupeKey: null, kind: `slack.${String(type)}`, reason: 'unsupported_interaction' } };
  const parsed = blockActions.safeParse(body);
  if (!parsed.success) return { error: `invalid block_actions: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  const p = parsed.data;
  const dedupeKey = interactionDedupeKey(p.trigger_id);
  const pressed = p.actions[0]!;
  // The More menu: an overflow whose chosen option says `<option>:<ticket id>`.
  const more = pressed.action_id === ACTION_IDS.more ? parseMoreOption(pressed.selected_option?.value) : undefined;
  if (pressed.action_id === ACTION_IDS.more && (!more || !isMoreAction(more.option))) {
    return { error: `More menu option ${pressed.selected_option?.value ?? '(none)'} is not one of ours` };
  }
  const action = more ? (more.option as AgentActionEvent['action']) : ACTIONS[pressed.action_id];
  const ticketId = more ? more.ticketId : pressed.value;
  if (!action) return { ignored: { dedupeKey, kind: 'slack.block_actions', reason: `unknown_action_${pressed.action_id}` } };
  if (!ticketId || !/^\d{1,18}$/.test(ticketId)) return { error: `button ${pressed.action_id} without a ticket id` };
  // A card button sits in a channel message; a home button in a view (no channel, no thread).
  const channel = p.container.channel_id ?? '';
  const ts = p.container.message_ts ?? '';
  const event: AgentActionEvent = {
    type: 'agent.action',
    platform: 'slack',
    action,
    ticketId,
    userId: p.user.id,
    containerId: channel,
    threadId: ts,
    from: pressOrigin(p.container),
    occurredAt: isoFromTs(pressed.action_ts ?? String(Date.now() / 1000)),
  };
  const orderingKey = channel && ts ? threadOrderingKey(channel, ts) : `slack:ticket:${ticketId}`;
  return { record: { event, dedupeKey, orderingKey } };
}

/** A control that opens a form: which form, the ticket, the trigger to open it with, and where it was pressed. */
export interface FormChoice {
  form: FormKind;
  ticketId: string;
  triggerId: string;
  from?: ActionOrigin;
}

/**
 * A press that opens a form (the core's `formOpenedBy`: Transfer, "Send a template" under a
 * notice or in More, More's "Edit contact details"). The form must open within the trigger's
 * 3 s, so it is opened at once instead of going through the worker.
 */
export function formChoice(body: unknown): FormChoice | undefined {
  const p = blockActions.safeParse(body);
  const pressed = p.success ? p.data.actions[0] : undefined;
  const control = pressed ? controlOf(pressed.action_id) : undefined;
  if (!p.success || !pressed || !control) return undefined;
  const more = control === 'more' ? parseMoreOption(pressed.selected_option?.value) : undefined;
  const form = formOpenedBy(control, more?.option);
  const ticketId = control === 'more' ? more?.ticketId : pressed.value;
  if (!form || !ticketId || !/^\d{1,18}$/.test(ticketId)) return undefined;
  return { form, ticketId, triggerId: p.data.trigger_id, from: pressOrigin(p.data.container) };
}

/** The "Ticket actions" message shortcut: which thread it was used in, and the modal trigger. */
export function ticketActionsShortcut(body: unknown): { channelId: string; threadTs: string; triggerId: string; userId: string } | undefined {
  const p = messageShortcut.safeParse(body);
  if (!p.success || p.data.callback_id !== ACTIONS_SHORTCUT) return undefined;
  return { channelId: p.data.channel.id, threadTs: p.data.message.thread_ts ?? p.data.message.ts, triggerId: p.data.trigger_id, userId: p.data.user.id };
}

/** Slash command text → neutral tokens: `<#C1|sales>` is a channel, `<@U1|ana>` a user. */
export function tokenizeCommand(text: string): CommandToken[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word): CommandToken => {
      const channel = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
      if (channel) return { type: 'channel', id: channel[1]! };
      const user = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
      if (user) return { type: 'user', id: user[1]! };
      if (/^#[\w-]+$/.test(word)) return { type: 'unresolved_channel', raw: word };
      return { type: 'word', value: word };
    });
}

/**
 * Slack file objects → the files an agent attached. `url_private_download` is read with the bot
 * token (files:read). Deleted files (mode `tombstone`) are left out; a file shared from another
 * workspace (Slack Connect: `file_access: check_file_info`) comes without URLs, so `url` stays
 * empty and the download asks files.info for it.
 */
function slackFiles(files: unknown[] | undefined): AgentFileRef[] | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const refs = (files ?? [])
    .map((f) => (f ?? {}) as Record<string, unknown>)
    .filter((o) => str(o.id) && o.mode !== 'tombstone')
    .map((o) => ({
      id: str(o.id),
      name: str(o.name) || str(o.title) || 'file',
      mimeType: str(o.mimetype) || 'application/octet-stream',
      size: typeof o.size === 'number' ? o.size : 0,
      url: str(o.url_private_download) || str(o.url_private),
    }));
  return refs.length ? refs : undefined;
}
