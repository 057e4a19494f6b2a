import { Events, Routes, type Client } from 'discord.js';
import type { InboxPort } from '../../src/core/inbound-record.js';
import { t, type Locale } from '../../src/i18n/catalog.js';
import type { Logger } from '../../src/logger.js';
import { ChannelType } from './channels.js';
import { isServerAdmin, shownName, type GatewayFacts } from './gateway-facts.js';
import { parseButton, parseMessage, parseReaction, type Parsed, type RawInteraction, type RawMember, type RawMessage, type RawReaction, type RawUser } from './payloads.js';

export interface DiscordInboundDeps {
  inbox: InboxPort;
  facts: GatewayFacts;
  locale: Locale;
  log: Logger;
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
        return safely('a reaction', () => record(deps, parseReaction(packet.d as RawReaction, packet.t === 'MESSAGE_REACTION_REMOVE', client.user?.id)));
      case 'INTERACTION_CREATE':
        return safely('a button press', () => onInteraction(client, deps, packet.d as RawInteraction));
      default:
        return undefined;
    }
  });
}

async function onMessage(client: Client, deps: DiscordInboundDeps, d: RawMessage): Promise<void> {
  if (!d.guild_id) return;
  const parsed = parseMessage(d, await parentOf(client, d.channel_id), client.user?.id);
  if ('record' in parsed && d.author) await rememberMember(deps.facts, d.author, d.member);
  await record(deps, parsed);
}

/**
 * A button press is recorded, then answered within Discord's 3 seconds: a deferred update (the
 * card changes by itself when the worker has acted), or, for controls this slice has no form
 * for yet, a line only the presser sees. Its token is kept for `notify` (15 minutes).
 */
export async function onInteraction(
  client: Client,
  deps: DiscordInboundDeps,
  d: RawInteraction,
  // Over the gateway the answer goes to the callback route; over HTTP it is the response (routes.ts).
  respond: (body: Record<string, unknown>) => Promise<void> = async (body) => void (await client.rest.post(Routes.interactionCallback(d.id, d.token), { body, auth: false })),
): Promise<void> {
  if (d.type !== 3) return;
  const parsed = parseButton(d, d.channel?.parent_id ?? (d.channel_id ? await parentOf(client, d.channel_id) : undefined));
  if ('skip' in parsed) {
    await respond({ type: 6 });
    return;
  }
  const user = d.member?.user ?? d.user;
  if (user) await rememberMember(deps.facts, user, d.member);
  if (user && d.channel_id) await deps.facts.rememberInteraction(d.channel_id, user.id, { applicationId: d.application_id, token: d.token });
  if (parsed.record) {
    await deps.inbox.accept('discord', [parsed.record]);
    await respond({ type: 6 });
    return;
  }
  await deps.inbox.accept('discord', [], [{ dedupeKey: null, kind: 'discord.interaction', reason: `no_form_yet_${parsed.control}` }]);
  await respond({ type: 4, data: { content: t(localeOf(d.locale, deps.locale), 'card.use_commands'), flags: 64, allowed_mentions: { parse: [] } } });
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
