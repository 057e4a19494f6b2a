import { Events, Routes, type Client, type REST } from 'discord.js';
import type { CommandContext } from '../../src/admin/context.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import type { AgentActionEvent, AgentMessageEvent } from '../../src/core/events.js';
import type { InboundRecord, InboxPort } from '../../src/core/inbound-record.js';
import type { AgentProfile } from '../../src/core/ports.js';
import { code, type Rich } from '../../src/core/rich-text.js';
import { say, type Locale } from '../../src/i18n/catalog.js';
import type { Logger } from '../../src/logger.js';
import { discordAckDeadlineMs } from './capabilities.js';
import { ChannelType } from './channels.js';
import { focusedOption, subcommandOf, toCommand, toThreadCommand, type RawOption } from './commands/to-tokens.js';
import { isServerAdmin, shownName, type GatewayFacts } from './gateway-facts.js';
import { interactionDedupeKey, messageId, threadOrderingKey } from './ids.js';
import { localeOf } from './locale.js';
import { discordToPlain, type RawInteraction } from './payloads.js';
import { noMentions, splitText, toMarkdown } from './render.js';

export const PLATFORM_NAME = 'Discord';
const EPHEMERAL = 1 << 6;
/** Past this, the answer is deferred (type 5) and `@original` edited when the work is done. */
const ANSWER_WITHIN_MS = discordAckDeadlineMs - 1_000;
const MAX_CHOICES = 25;

export interface SlashDeps {
  inbox: InboxPort;
  facts: GatewayFacts;
  locale: Locale;
  log: Logger;
  runCommand(ctx: CommandContext, tokens: CommandToken[]): Promise<Rich>;
  /** Saves a member's profile as the interaction shows it (their Administrator / Manage Server bits), before admin checks. */
  saveProfile(userId: string, profile: AgentProfile): Promise<void>;
  /** The ticket whose post this is. */
  ticketForThread(containerId: string, threadId: string): Promise<string | undefined>;
  /** Values to suggest for an option (departments, quick replies, templates), matching what was typed. */
  suggest(option: string, typed: string): Promise<string[]>;
}

interface CommandInteraction extends RawInteraction {
  data?: RawInteraction['data'] & { name?: string; options?: RawOption[] };
}

/** Application commands (type 2) and their autocomplete (type 4), from the gateway's raw packets. */
export function listenSlash(client: Client, deps: SlashDeps): void {
  client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
    if (packet.t !== 'INTERACTION_CREATE') return;
    const d = packet.d as CommandInteraction;
    if (d.type !== 2 && d.type !== 4) return;
    onSlash(client, deps, d).catch((err: unknown) => deps.log.error({ err, command: d.data?.name }, 'discord: a slash command was not answered'));
  });
}

/**
 * One command or autocomplete. The first answer goes through `respond` when given (HTTP
 * interactions: it is the response), else to the callback route; later edits use the token.
 */
export async function onSlash(client: Client, deps: SlashDeps, d: CommandInteraction, respond?: Respond): Promise<void> {
  const rest = client.rest;
  const callback = (body: Record<string, unknown>) => (respond ? respond(body) : callbackRoute(rest, d, body));
  const sub = subcommandOf(d.data?.options);
  if (d.type === 4) {
    const focused = focusedOption(d.data?.options);
    const values = focused ? await deps.suggest(focused.name, focused.value) : [];
    const choices = values.slice(0, MAX_CHOICES).map((v) => ({ name: v.slice(0, 100), value: v.slice(0, 100) }));
    await callback({ type: 8, data: { choices } });
    return;
  }
  const user = d.member?.user ?? d.user;
  if (!user || !sub || !d.guild_id || !d.channel_id) return;
  const locale = localeOf(d.locale, deps.locale);
  const profile = { displayName: shownName({ nick: d.member?.nick, globalName: user.global_name, username: user.username }, user.id), platformAdmin: isServerAdmin(d.member?.permissions) };
  await deps.facts.rememberProfile(user.id, profile);
  await deps.saveProfile(user.id, profile);
  if (d.data?.name === 'ponte') {
    const { tokens, text } = toCommand(sub.name, sub.options);
    const ctx: CommandContext = { platform: 'discord', userId: user.id, channelId: d.channel_id, locale, text, platformName: PLATFORM_NAME };
    await answer(rest, d, deps.runCommand(ctx, tokens), callback);
  } else if (d.data?.name === 'ticket') {
    await answer(rest, d, onTicket(client, deps, d, user.id, sub, locale), callback);
  }
}

/**
 * `/ticket <sub>` in a post: recorded as the `!` command the agent could have written there (a
 * note as the note action), so the worker acts on it exactly as on that message.
 */
async function onTicket(client: Client, deps: SlashDeps, d: CommandInteraction, userId: string, sub: { name: string; options: RawOption[] }, locale: Locale): Promise<Rich> {
  const threadId = d.channel_id!;
  const parentId = d.channel?.parent_id ?? (await parentOf(client, threadId));
  const ticketId = parentId ? await deps.ticketForThread(parentId, threadId) : undefined;
  if (!parentId || !ticketId) return say(locale, 'slash.not_a_ticket');
  await deps.facts.rememberInteraction(threadId, userId, { applicationId: d.application_id, token: d.token });
  const occurredAt = new Date().toISOString();
  const base = { platform: 'discord' as const, userId, containerId: parentId, threadId, occurredAt };
  const { text, mentions } = toThreadCommand(sub.name, sub.options);
  const note = sub.options.find((o) => o.name === 'text')?.value;
  const event: AgentActionEvent | AgentMessageEvent =
    sub.name === 'note'
      ? { ...base, type: 'agent.action', action: 'note', ticketId, note: String(note ?? ''), from: { kind: 'thread', containerId: parentId, threadId } }
      : { ...base, type: 'agent.message', externalId: messageId(threadId, d.id), text: discordToPlain(text), mentions };
  const record: InboundRecord = { event, dedupeKey: interactionDedupeKey(d.id), orderingKey: threadOrderingKey(threadId) };
  await deps.inbox.accept('discord', [record]);
  return say(locale, 'slash.ticket_queued', { command: code(sub.name === 'note' ? '/ticket note' : discordToPlain(text)) });
}

/**
 * Answers only the person who typed it: at once when the work is quick, else a deferred
 * "thinking…" (type 5, ephemeral) and `@original` edited when done. Past 2000 characters the
 * rest follows as ephemeral follow-ups. Mentions never ping.
 */
export async function answer(rest: REST, d: CommandInteraction, work: Promise<Rich>, callback: Respond = (body) => callbackRoute(rest, d, body)): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS)));
  const first = await Promise.race([work, late]).finally(() => clearTimeout(timer));
  const deferred = first === 'late';
  if (deferred) await callback({ type: 5, data: { flags: EPHEMERAL } });
  const [head = '…', ...more] = splitText(toMarkdown(deferred ? await work : first));
  if (deferred) {
    await rest.patch(Routes.webhookMessage(d.application_id, d.token, '@original'), { body: { content: head, allowed_mentions: noMentions }, auth: false });
  } else {
    await callback({ type: 4, data: { content: head, flags: EPHEMERAL, allowed_mentions: noMentions } });
  }
  for (const part of more) {
    await rest.post(Routes.webhook(d.application_id, d.token), { body: { content: part, flags: EPHEMERAL, allowed_mentions: noMentions }, auth: false });
  }
}

/** How an interaction's first answer is given (see onSlash). */
export type Respond = (body: Record<string, unknown>) => Promise<void>;

async function callbackRoute(rest: REST, d: CommandInteraction, body: Record<string, unknown>): Promise<void> {
  await rest.post(Routes.interactionCallback(d.id, d.token), { body, auth: false });
}

/** The forum or channel a thread belongs to, or undefined for a non-thread. */
async function parentOf(client: Client, channelId: string): Promise<string | undefined> {
  const cached = client.channels.cache.get(channelId);
  const channel = cached && !cached.partial ? cached : await client.channels.fetch(channelId).catch(() => null);
  if (!channel || (channel.type as number) !== ChannelType.PublicThread) return undefined;
  return (channel as { parentId?: string | null }).parentId ?? undefined;
}
