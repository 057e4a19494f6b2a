import { Events, type Client } from 'discord.js';
import type { FormSources } from '../../src/agent-ui/form-for.js';
import type { InboxPort } from '../../src/core/inbound-record.js';
import type { Locale } from '../../src/i18n/catalog.js';
import type { Logger } from '../../src/logger.js';
import { ChannelType } from './channels.js';
import { isServerAdmin, shownName, type GatewayFacts } from './gateway-facts.js';
import { answerControl } from './control-interactions.js';
import { echoOf, parseMessage, parseReaction, type Parsed, type RawInteraction, type RawMember, type RawMessage, type RawReaction, type RawUser } from './payloads.js';

export interface DiscordInboundDeps {
  inbox: InboxPort;
  facts: GatewayFacts;
  locale: Locale;
  log: Logger;
  /** Where the forms controls open are built from (departments, the contact, templates). */
  forms?: FormSources;
}

const THREAD_TYPES = new Set<number>([ChannelType.PublicThread, 12]);

/**
 * Feeds the gateway into the inbox, as the Slack handler does with Events API deliveries: agents'
 * messages in posts, their reactions, and card button presses become the core's events, recorded
 * durably (deduped by Discord's ids) and acted on by the worker. The raw payloads are read (one
 * code path for a later HTTP-interactions endpoint); the client's cache only answers which
 * forum or channel a post belongs to.
 */
export function listenDiscord(client: Client, deps: DiscordInboundDeps): void {
  const safely = (what: string, fn: () => Promise<void>) => {
    fn().catch((err: unknown) => deps.log.error({ err }, `discord: ${what} was not recorded`));
  };
  client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
    switch (packet.t) {
      case 'MESSAGE_CREATE':
        return safely('a message', () => onMessage(client, deps, packet.d as RawMessage));
      case 'MESSAGE_REACTION_ADD':
      case 'MESSAGE_REACTION_REMOVE':
        return safely('a reaction', () => onReaction(client, deps, packet.d as RawReaction, packet.t === 'MESSAGE_REACTION_REMOVE'));
      case 'INTERACTION_CREATE':
        return safely('a button press', () => onInteraction(client, deps, packet.d as RawInteraction));
      default:
        return undefined;
    }
  });
}

async function onMessage(client: Client, deps: DiscordInboundDeps, d: RawMessage): Promise<void> {
  // Ponte's own posts coming back: skipped before anything is looked up (not even the post's parent).
  if (!d.guild_id || echoOf(d, client.user?.id)) return;
  const parsed = parseMessage(d, await parentOf(client, d.channel_id), client.user?.id);
  if ('record' in parsed && d.author) await rememberMember(deps.facts, d.author, d.member);
  await record(deps, parsed);
}

/** A reaction; an added one names the member, remembered so their name costs no lookup. */
async function onReaction(client: Client, deps: DiscordInboundDeps, d: RawReaction, removed: boolean): Promise<void> {
  const parsed = parseReaction(d, removed, client.user?.id);
  if ('record' in parsed && d.member?.user) await rememberMember(deps.facts, d.member.user, d.member);
  await record(deps, parsed);
}

/**
 * A card control pressed or a form submitted (control-interactions.ts). The presser's name is
 * remembered, and their interaction's token for `notify` (15 minutes).
 */
export async function onInteraction(
  client: Client,
  deps: DiscordInboundDeps,
  d: RawInteraction,
  // Over HTTP the answer is the response (routes.ts); over the gateway, the callback route.
  respond?: (body: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  if (d.type !== 3 && d.type !== 5) return;
  const remember = async (i: RawInteraction) => {
    const user = i.member?.user ?? i.user;
    if (user) await rememberMember(deps.facts, user, i.member);
    if (user && i.channel_id) await deps.facts.rememberInteraction(i.channel_id, user.id, { applicationId: i.application_id, token: i.token });
  };
  await answerControl(client.rest, { ...deps, remember, parentOf: (id) => parentOf(client, id), ...(respond ? { respond } : {}) }, d, localeOf(d.locale, deps.locale));
}

async function record(deps: DiscordInboundDeps, parsed: Parsed): Promise<void> {
  if ('record' in parsed) await deps.inbox.accept('discord', [parsed.record]);
  else if ('ignored' in parsed) await deps.inbox.accept('discord', [], [parsed.ignored]);
}

/** The forum or channel a thread belongs to (cached by the client, else read once), or undefined for a non-thread. */
async function parentOf(client: Client, channelId: string): Promise<string | undefined> {
  const cached = client.channels.cache.get(channelId);
  const channel = cached && !cached.partial ? cached : await client.channels.fetch(channelId).catch(() => null);
  if (!channel || !THREAD_TYPES.has(channel.type)) return undefined;
  return (channel as { parentId?: string | null }).parentId ?? undefined;
}

/** Every message and press carries the member: their name as the server shows it, for signatures. */
async function rememberMember(facts: GatewayFacts, user: RawUser, member: RawMember | undefined): Promise<void> {
  const before = await facts.profile(user.id);
  const admin = member?.permissions !== undefined ? isServerAdmin(member.permissions) : (before?.platformAdmin ?? false);
  await facts.rememberProfile(user.id, { displayName: shownName({ nick: member?.nick, globalName: user.global_name, username: user.username }, user.id), platformAdmin: admin });
}

/** Private answers in the person's Discord language when Ponte has it (pt-BR, en-*), else the workspace's. */
function localeOf(discordLocale: string | undefined, fallback: Locale): Locale {
  if (discordLocale === 'pt-BR') return 'pt-BR';
  if (discordLocale?.startsWith('en')) return 'en';
  return fallback;
}
