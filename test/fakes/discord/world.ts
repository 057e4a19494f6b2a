// What the fake Discord holds: one guild with its channels (a forum and a text channel to start),
// threads, messages, webhooks, slash commands and interactions. The REST fake changes it, the
// gateway fake announces it (READY, GUILD_CREATE, and the events REST changes cause), and tests
// read it to see what a bridge posted. Objects are built in Discord's API shapes (resources/*.mdx).
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

export const ChannelType = { GuildText: 0, PublicThread: 11, PrivateThread: 12, GuildForum: 15 } as const;

/** Discord's gateway intent bits for the events this fake emits on its own. */
export const Intent = { Guilds: 1 << 0, GuildMessages: 1 << 9, GuildMessageReactions: 1 << 10, MessageContent: 1 << 15 } as const;

export interface ForumTag { id: string; name: string; moderated: boolean; emoji_id: string | null; emoji_name: string | null }

export interface FakeChannel {
  id: string; type: number; guild_id: string; name: string; parent_id: string | null; position: number;
  topic?: string | null; flags: number; last_message_id: string | null; rate_limit_per_user: number;
  /** Forums: the tags a post can carry (at most 20). */
  available_tags?: ForumTag[];
  /** Threads: the forum tags applied (at most 5), who opened it, and whether it is archived/locked. */
  applied_tags?: string[];
  owner_id?: string;
  thread_metadata?: { archived: boolean; locked: boolean; auto_archive_duration: number; archive_timestamp: string; create_timestamp: string };
}

export interface FakeAttachment { id: string; filename: string; size: number; content_type: string; url: string; proxy_url: string; bytes: Buffer }

export interface FakeMessage {
  id: string; channel_id: string; content: string; author: DiscordUser; timestamp: string; edited_timestamp: string | null;
  embeds: unknown[]; components: unknown[]; attachments: FakeAttachment[]; flags: number;
  webhook_id?: string; application_id?: string; interaction_id?: string;
  /** What the sender asked for, kept so tests can check customer text never pings anyone. */
  allowed_mentions?: unknown;
  /** Emoji (unicode, or `name:id`) the bot reacted with. */
  reactions: Set<string>;
  /** Ephemeral interaction replies are not part of the channel's history. */
  ephemeral?: boolean;
  deleted?: boolean;
}

export interface DiscordUser { id: string; username: string; discriminator: string; global_name: string | null; avatar: string | null; bot?: boolean }

export interface FakeWebhook { id: string; token: string; type: 1; channel_id: string; guild_id: string; name: string; avatar: string | null; application_id: string }

export interface FakeInteraction {
  id: string; token: string; type: number; channel_id: string; message_id?: string;
  /** Callback bodies in order; Discord takes exactly one (a second answers 40060). */
  callbacks: unknown[];
  /** The message `@original` refers to once answered. */
  original_id?: string;
}

export interface FakeCommand { id: string; application_id: string; guild_id?: string; version: string; [field: string]: unknown }

export interface DiscordWorldOptions { guildId?: string; applicationId?: string; botName?: string }

const DISCORD_EPOCH = 1420070400000n;

export class DiscordWorld extends EventEmitter {
  readonly guildId: string;
  readonly applicationId: string;
  readonly bot: DiscordUser;
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** The server's members the fake has seen in an event it built (id → username, nick, permissions). */
  readonly people = new Map<string, { id: string; username: string; global_name?: string; nick?: string; permissions?: string }>();
  /** Registered slash commands: key `global` or the guild id. */
  readonly commands = new Map<string, FakeCommand[]>();
  /** The forum and text channel every fake guild starts with. */
  readonly forumId: string;
  readonly textChannelId: string;
  /** The REST fake's address (for webhook and attachment URLs) and the gateway's (for `GET /gateway/bot`). */
  baseUrl = '';
  gatewayUrl = 'ws://127.0.0.1:1';
  private counter = 0;

  constructor(opts: DiscordWorldOptions = {}) {
    super();
    this.guildId = opts.guildId ?? this.snowflake();
    this.applicationId = opts.applicationId ?? this.snowflake();
    // A bot user shares its application's id.
    this.bot = { id: this.applicationId, username: opts.botName ?? 'Ponte', discriminator: '0', global_name: null, avatar: null, bot: true };
    this.forumId = this.addChannel({ type: ChannelType.GuildForum, name: 'tickets', available_tags: [] }).id;
    this.textChannelId = this.addChannel({ type: ChannelType.GuildText, name: 'general' }).id;
  }

  /** A fresh, strictly increasing id in Discord's snowflake layout (ms since 2015 << 22 | counter). */
  snowflake(): string {
    this.counter += 1;
    return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | BigInt(this.counter & 0x3fffff)).toString();
  }

  token(): string {
    return randomBytes(24).toString('base64url');
  }

  addChannel(c: Partial<FakeChannel> & { type: number; name: string }): FakeChannel {
    const ch: FakeChannel = {
      id: this.snowflake(), guild_id: this.guildId, parent_id: null, position: this.channels.size, flags: 0,
      last_message_id: null, rate_limit_per_user: 0, ...c,
    };
    this.channels.set(ch.id, ch);
    return ch;
  }

  /** A thread under `parentId`, as a forum post or a public thread in a text channel. */
  addThread(parentId: string, name: string, extra: { applied_tags?: string[]; auto_archive_duration?: number; owner_id?: string; id?: string } = {}): FakeChannel {
    const now = new Date().toISOString();
    return this.addChannel({
      id: extra.id ?? this.snowflake(), type: ChannelType.PublicThread, name, parent_id: parentId, owner_id: extra.owner_id ?? this.bot.id,
      applied_tags: extra.applied_tags ?? [],
      thread_metadata: { archived: false, locked: false, auto_archive_duration: extra.auto_archive_duration ?? 4320, archive_timestamp: now, create_timestamp: now },
    });
  }

  isThread(ch: FakeChannel): boolean {
    return ch.type === ChannelType.PublicThread || ch.type === ChannelType.PrivateThread;
  }

  /** Messages of a channel as its history shows them, oldest first. */
  history(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted && !m.ephemeral);
  }

  addMessage(m: Partial<FakeMessage> & { channel_id: string; author: DiscordUser }): FakeMessage {
    const msg: FakeMessage = {
      id: m.id ?? this.snowflake(), content: '', timestamp: new Date().toISOString(), edited_timestamp: null,
      embeds: [], components: [], attachments: [], flags: 0, reactions: new Set(), ...m,
    };
    this.messages.set(msg.id, msg);
    const ch = this.channels.get(msg.channel_id);
    if (ch && !msg.ephemeral) ch.last_message_id = msg.id;
    return msg;
  }

  channelObject(ch: FakeChannel): Record<string, unknown> {
    const { thread_metadata, applied_tags, available_tags, owner_id, ...rest } = ch;
    return {
      ...rest,
      nsfw: false,
      permission_overwrites: [],
      ...(available_tags ? { available_tags, default_reaction_emoji: null, default_sort_order: null, default_forum_layout: 0 } : {}),
      ...(this.isThread(ch)
        ? { owner_id, applied_tags, thread_metadata, message_count: this.history(ch.id).length, member_count: 1, total_message_sent: this.history(ch.id).length }
        : {}),
    };
  }

  messageObject(m: FakeMessage): Record<string, unknown> {
    const ch = this.channels.get(m.channel_id);
    return {
      id: m.id, type: 0, channel_id: m.channel_id, content: m.content, author: m.author, timestamp: m.timestamp,
      edited_timestamp: m.edited_timestamp, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
      attachments: m.attachments.map(({ bytes: _bytes, ...a }) => a), embeds: m.embeds, components: m.components,
      pinned: false, flags: m.flags,
      reactions: [...m.reactions].map((e) => ({ count: 1, me: true, emoji: emojiObject(e) })),
      ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}),
      ...(m.application_id ? { application_id: m.application_id } : {}),
      ...(ch && this.isThread(ch) && ch.id === m.id ? { position: 0 } : {}),
    };
  }

  webhookObject(w: FakeWebhook, withToken = true): Record<string, unknown> {
    const { token, ...rest } = w;
    return { ...rest, user: this.bot, ...(withToken ? { token, url: `${this.baseUrl}/api/webhooks/${w.id}/${token}` } : {}) };
  }

  guildObject(): Record<string, unknown> {
    return {
      id: this.guildId, name: 'Ponte Test', icon: null, splash: null, discovery_splash: null, owner_id: '1', afk_channel_id: null,
      afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0,
      roles: [{ id: this.guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1071698660929', managed: false, mentionable: false, flags: 0 }],
      emojis: [], stickers: [], features: ['COMMUNITY'], mfa_level: 0, system_channel_id: null, system_channel_flags: 0,
      rules_channel_id: null, vanity_url_code: null, description: null, banner: null, premium_tier: 0, preferred_locale: 'en-US',
      public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false, application_id: null,
    };
  }

  /** Announces a change over the gateway (if a session is open and its intents cover `intent`). */
  announce(t: string, d: unknown, intent: number): void {
    this.emit('dispatch', t, d, intent);
  }

  /** MESSAGE_CREATE data for a stored message: guild fields plus the thread's type, as Discord sends it. */
  messageEvent(m: FakeMessage): Record<string, unknown> {
    const ch = this.channels.get(m.channel_id);
    return { ...this.messageObject(m), guild_id: this.guildId, ...(ch ? { channel_type: ch.type } : {}) };
  }
}

/** `👍` → `{id:null, name:'👍'}`; `ponte:123` → `{id:'123', name:'ponte'}` (the path form of a custom emoji). */
export function emojiObject(e: string): { id: string | null; name: string } {
  const m = /^(\w+):(\d+)$/.exec(e);
  return m ? { id: m[2]!, name: m[1]! } : { id: null, name: e };
}
