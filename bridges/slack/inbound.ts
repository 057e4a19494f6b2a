import type { ActionOrigin, AgentActionEvent, AgentFileRef, AgentHomeEvent, AgentMessageEvent, AgentReactionEvent } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import {
  ACTIONS_SHORTCUT, ACTIONS_VIEW, ACTION_IDS, CONTACT_VIEW, MORE_ACTIONS, MORE_FORMS, TEMPLATE_VIEW, TRANSFER_VIEW,
  eventDedupeKey, interactionDedupeKey, isoFromTs, messageId, reactionOrderingKey, threadOrderingKey,
} from './ids.js';
import { emojiForSlackName } from './emoji.js';
import { pressOrigin, readMetadata } from './view-origin.js';
import { slackToPlain } from './mrkdwn.js';
import {
  actionsSubmission, appHomeOpened, blockActions, contactSubmission, eventCallback, messageEvent, messageShortcut, reactionEvent, templateSubmission, transferSubmission,
} from './schema.js';

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
  // The More menu: an overflow whose chosen option says `<action>:<ticket id>`.
  const more = pressed.action_id === ACTION_IDS.more ? /^([a-z]+):(\d{1,18})$/.exec(pressed.selected_option?.value ?? '') : null;
  if (pressed.action_id === ACTION_IDS.more && (!more || !(MORE_ACTIONS as readonly string[]).includes(more[1]!))) {
    return { error: `More menu option ${pressed.selected_option?.value ?? '(none)'} is not one of ours` };
  }
  const action = more ? (more[1] as AgentActionEvent['action']) : ACTIONS[pressed.action_id];
  const ticketId = more ? more[2] : pressed.value;
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

/** A press of the card's Transfer button: which ticket, and the trigger to open the modal with. */
export function transferButton(body: unknown): FormChoice | undefined {
  const p = blockActions.safeParse(body);
  const pressed = p.success ? p.data.actions[0] : undefined;
  if (!p.success || pressed?.action_id !== ACTION_IDS.transfer || !pressed.value || !/^\d{1,18}$/.test(pressed.value)) return undefined;
  return { ticketId: pressed.value, triggerId: p.data.trigger_id, from: pressOrigin(p.data.container) };
}

/** A control that opens a form: the ticket, the trigger to open it with, and where it was pressed. */
export interface FormChoice {
  ticketId: string;
  triggerId: string;
  from?: ActionOrigin;
}

export type TransferSubmission = { record: InboundRecord } | { errors: Record<string, 'pick_one'> } | undefined;

/** The transfer modal's submission → a transfer action; exactly one of person and department. */
export function parseTransferSubmission(body: unknown): TransferSubmission {
  const p = transferSubmission.safeParse(body);
  const meta = p.success ? readMetadata(p.data.view.private_metadata) : undefined;
  if (!p.success || p.data.view.callback_id !== TRANSFER_VIEW || !meta) return undefined;
  const v = p.data.view.state.values;
  const userId = v.agent?.value.selected_user ?? undefined;
  const departmentId = v.department?.value.selected_option?.value ?? undefined;
  if (!userId === !departmentId) return { errors: { agent: 'pick_one' } };
  const { ticketId, from } = meta;
  const event: AgentActionEvent = {
    type: 'agent.action',
    platform: 'slack',
    action: 'transfer',
    ticketId,
    userId: p.data.user.id,
    containerId: '',
    threadId: '',
    from,
    target: userId ? { userId } : { departmentId: departmentId! },
    reason: v.reason?.value.value?.trim() || undefined,
    occurredAt: new Date().toISOString(),
  };
  return { record: { event, dedupeKey: `slack:v:${p.data.view.id}`, orderingKey: `slack:ticket:${ticketId}` } };
}

/** The "Ticket actions" message shortcut: which thread it was used in, and the modal trigger. */
export function ticketActionsShortcut(body: unknown): { channelId: string; threadTs: string; triggerId: string; userId: string } | undefined {
  const p = messageShortcut.safeParse(body);
  if (!p.success || p.data.callback_id !== ACTIONS_SHORTCUT) return undefined;
  return { channelId: p.data.channel.id, threadTs: p.data.message.thread_ts ?? p.data.message.ts, triggerId: p.data.trigger_id, userId: p.data.user.id };
}

const FORM = new Set(['accept', 'return', 'resolve', 'contact', 'phone', 'block', 'unblock']);

/** The "Ticket actions" form → one action (with resolve's options) and/or a note. */
export function parseActionsSubmission(body: unknown): { record: InboundRecord } | { errors: true } | undefined {
  const p = actionsSubmission.safeParse(body);
  const meta = p.success ? readMetadata(p.data.view.private_metadata) : undefined;
  if (!p.success || p.data.view.callback_id !== ACTIONS_VIEW || !meta) return undefined;
  const v = p.data.view.state.values;
  const chosen = v.action?.value.selected_option?.value;
  const note = v.note?.value.value?.trim() || undefined;
  const tags = v.tags?.value.value?.trim() || undefined;
  if ((!chosen || !FORM.has(chosen)) && !note && !tags) return { errors: true };
  const options = new Set((v.options?.value.selected_options ?? []).map((o) => o.value));
  const delayMs = Number(v.delay?.value.selected_option?.value) || undefined;
  const { ticketId, from } = meta;
  const event: AgentActionEvent = {
    type: 'agent.action',
    platform: 'slack',
    action: chosen && FORM.has(chosen) ? (chosen as AgentActionEvent['action']) : 'note',
    ticketId,
    userId: p.data.user.id,
    containerId: '',
    threadId: '',
    from,
    reason: v.reason?.value.value?.trim() || undefined,
    silent: options.has('silent'),
    keepOnReply: options.has('keep'),
    delayMs,
    note,
    farewell: v.farewell?.value.value?.trim() || undefined,
    tags,
    occurredAt: new Date().toISOString(),
  };
  return { record: { event, dedupeKey: `slack:v:${p.data.view.id}`, orderingKey: `slack:ticket:${ticketId}` } };
}

/** The More menu's "Edit contact details": the form must open within the trigger's 3 s. */
export function editContactChoice(body: unknown): FormChoice | undefined {
  return moreFormChoice(body, MORE_FORMS.editContact);
}

/** "Send a template" (the button under a notice, or the More menu's option): opens the picker. */
export function templatePickerChoice(body: unknown): FormChoice | undefined {
  const p = blockActions.safeParse(body);
  const pressed = p.success ? p.data.actions[0] : undefined;
  if (p.success && pressed?.action_id === ACTION_IDS.templates && pressed.value && /^\d{1,18}$/.test(pressed.value)) {
    return { ticketId: pressed.value, triggerId: p.data.trigger_id, from: pressOrigin(p.data.container) };
  }
  return moreFormChoice(body, MORE_FORMS.template);
}

function moreFormChoice(body: unknown, form: string): FormChoice | undefined {
  const p = blockActions.safeParse(body);
  const m = p.success ? /^([a-z_]+):(\d{1,18})$/.exec(p.data.actions[0]?.selected_option?.value ?? '') : null;
  return p.success && m && m[1] === form && p.data.actions[0]?.action_id === ACTION_IDS.more
    ? { ticketId: m[2]!, triggerId: p.data.trigger_id, from: pressOrigin(p.data.container) }
    : undefined;
}

export type TemplateSubmission = { record: InboundRecord } | { errors: { template?: 'pick_one'; params?: { expected: number } } } | undefined;

/**
 * The template picker's submission → a `template` action: the chosen option's value is
 * `name|language|paramCount`; the parameters are the non-empty lines, in order, and must be as
 * many as the template takes (WhatsApp refuses a template with the wrong count, asynchronously).
 */
export function parseTemplateSubmission(body: unknown): TemplateSubmission {
  const p = templateSubmission.safeParse(body);
  const meta = p.success ? readMetadata(p.data.view.private_metadata) : undefined;
  if (!p.success || p.data.view.callback_id !== TEMPLATE_VIEW || !meta) return undefined;
  const v = p.data.view.state.values;
  const chosen = /^([^|]+)\|([^|]+)\|(\d+)$/.exec(v.template?.value.selected_option?.value ?? '');
  if (!chosen) return { errors: { template: 'pick_one' } };
  const expected = Number(chosen[3]);
  const params = (v.params?.value.value ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (params.length !== expected) return { errors: { params: { expected } } };
  const { ticketId, from } = meta;
  const event: AgentActionEvent = {
    type: 'agent.action', platform: 'slack', action: 'template', ticketId, userId: p.data.user.id, containerId: '', threadId: '', from,
    template: { name: chosen[1]!, language: chosen[2]!, params },
    occurredAt: new Date().toISOString(),
  };
  return { record: { event, dedupeKey: `slack:v:${p.data.view.id}`, orderingKey: `slack:ticket:${ticketId}` } };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FIELD_LINE = /^([a-z0-9][a-z0-9_-]{0,31})\s*:\s*(.+)$/i;

/** The contact form → a contact edit; errors name the block to show them under. */
export function parseContactSubmission(body: unknown): { record: InboundRecord } | { errors: { email?: 'bad_email'; fields?: 'bad_fields' } } | undefined {
  const p = contactSubmission.safeParse(body);
  const meta = p.success ? readMetadata(p.data.view.private_metadata) : undefined;
  if (!p.success || p.data.view.callback_id !== CONTACT_VIEW || !meta) return undefined;
  const v = p.data.view.state.values;
  const email = v.email?.value.value?.trim() || null;
  if (email && !EMAIL.test(email)) return { errors: { email: 'bad_email' } };
  const fields: Record<string, string> = {};
  for (const line of (v.fields?.value.value ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = FIELD_LINE.exec(line);
    if (!m) return { errors: { fields: 'bad_fields' } };
    fields[m[1]!.toLowerCase()] = m[2]!.trim().slice(0, 500);
  }
  const { ticketId, from } = meta;
  const event: AgentActionEvent = {
    type: 'agent.action', platform: 'slack', action: 'contact_edit', ticketId, userId: p.data.user.id, containerId: '', threadId: '', from,
    contact: { name: v.name?.value.value?.trim().slice(0, 120) || null, email, fields },
    occurredAt: new Date().toISOString(),
  };
  return { record: { event, dedupeKey: `slack:v:${p.data.view.id}`, orderingKey: `slack:ticket:${ticketId}` } };
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
