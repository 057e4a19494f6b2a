// Channels, messages, forum posts and reactions, answered the way Discord does
// (resources/channel.mdx, resources/message.mdx, topics/threads.mdx), with the gateway events the
// real service sends after each change (MESSAGE_CREATE, THREAD_CREATE, THREAD_UPDATE…).
import { noContent, ok, refuse, type Reply, type RouteContext, type RouteHandler } from './replies.js';
import { emojiObject, Intent, type DiscordUser, type FakeAttachment, type FakeChannel, type FakeMessage, type DiscordWorld } from './world.js';

/** The message fields a create/edit body sets, with uploaded files as attachments. */
export function messageFields(ctx: RouteContext): Partial<FakeMessage> {
  const b = ctx.body ?? {};
  const out: Partial<FakeMessage> = {};
  if (typeof b.content === 'string') out.content = b.content;
  if (Array.isArray(b.embeds)) out.embeds = b.embeds;
  if (Array.isArray(b.components)) out.components = b.components;
  if (typeof b.flags === 'number') out.flags = b.flags;
  if (b.allowed_mentions !== undefined) out.allowed_mentions = b.allowed_mentions;
  if (ctx.files.length > 0) {
    out.attachments = ctx.files.map((f): FakeAttachment => {
      const id = ctx.world.snowflake();
      const url = `${ctx.world.baseUrl}/attachments/${id}/${encodeURIComponent(f.filename)}`;
      return { id, filename: f.filename, size: f.bytes.length, content_type: f.contentType, url, proxy_url: url, bytes: f.bytes };
    });
  }
  return out;
}

export function isEmpty(fields: Partial<FakeMessage>): boolean {
  return !fields.content && !fields.embeds?.length && !fields.components?.length && !fields.attachments?.length;
}

/**
 * Posting into a thread: "Sending a message will automatically unarchive the thread, unless the
 * thread has been locked" (topics/threads.mdx). Returns a refusal, or undefined when it may post.
 */
export function openForPosting(world: DiscordWorld, ch: FakeChannel): Reply | undefined {
  const meta = ch.thread_metadata;
  if (!meta?.archived) return undefined;
  if (meta.locked) return refuse.lockedThread();
  meta.archived = false;
  world.announce('THREAD_UPDATE', world.channelObject(ch), Intent.Guilds);
  return undefined;
}

export function post(world: DiscordWorld, channelId: string, author: DiscordUser, fields: Partial<FakeMessage>): FakeMessage {
  const msg = world.addMessage({ ...fields, channel_id: channelId, author });
  if (!msg.ephemeral) world.announce('MESSAGE_CREATE', world.messageEvent(msg), Intent.GuildMessages);
  return msg;
}

/** Edits a stored message; refused inside an archived thread (50083), as Discord does. */
export function edit(world: DiscordWorld, msg: FakeMessage, fields: Partial<FakeMessage>): Reply {
  const ch = world.channels.get(msg.channel_id);
  if (ch?.thread_metadata?.archived) return refuse.archivedThread();
  Object.assign(msg, fields, { edited_timestamp: new Date().toISOString() });
  if (!msg.ephemeral) world.announce('MESSAGE_UPDATE', world.messageEvent(msg), Intent.GuildMessages);
  return ok(world.messageObject(msg));
}

const channelOf = (ctx: RouteContext): FakeChannel | undefined => ctx.world.channels.get(ctx.params.channel_id!);
const messageOf = (ctx: RouteContext): FakeMessage | undefined => {
  const m = ctx.world.messages.get(ctx.params.message_id!);
  return m && !m.deleted && m.channel_id === ctx.params.channel_id ? m : undefined;
};

function patchChannel(ctx: RouteContext): Reply {
  const { world } = ctx;
  const ch = channelOf(ctx);
  if (!ch) return refuse.unknownChannel();
  const b = ctx.body ?? {};
  if (ch.thread_metadata?.archived && b.archived !== false) return refuse.archivedThread();
  if (typeof b.name === 'string') ch.name = b.name;
  if (typeof b.topic === 'string' || b.topic === null) ch.topic = b.topic;
  if (Array.isArray(b.available_tags) && ch.available_tags) {
    ch.available_tags = (b.available_tags as Record<string, unknown>[]).map((t) => ({
      id: typeof t.id === 'string' ? t.id : world.snowflake(), name: String(t.name), moderated: t.moderated === true,
      emoji_id: typeof t.emoji_id === 'string' ? t.emoji_id : null, emoji_name: typeof t.emoji_name === 'string' ? t.emoji_name : null,
    }));
  }
  if (Array.isArray(b.applied_tags) && ch.thread_metadata) ch.applied_tags = b.applied_tags as string[];
  if (ch.thread_metadata) {
    if (typeof b.archived === 'boolean') ch.thread_metadata.archived = b.archived;
    if (typeof b.locked === 'boolean') ch.thread_metadata.locked = b.locked;
    if (typeof b.auto_archive_duration === 'number') ch.thread_metadata.auto_archive_duration = b.auto_archive_duration;
    if (typeof b.archived === 'boolean') ch.thread_metadata.archive_timestamp = new Date().toISOString();
  }
  world.announce(world.isThread(ch) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', world.channelObject(ch), Intent.Guilds);
  return ok(world.channelObject(ch));
}

function createMessage(ctx: RouteContext): Reply {
  const ch = channelOf(ctx);
  if (!ch) return refuse.unknownChannel();
  if (ch.available_tags) return refuse.notInForum();
  const fields = messageFields(ctx);
  if (isEmpty(fields)) return refuse.emptyMessage();
  const closed = openForPosting(ctx.world, ch);
  if (closed) return closed;
  return ok(ctx.world.messageObject(post(ctx.world, ch.id, ctx.world.bot, fields)));
}

/** A forum post (thread + starter message whose id is the thread's) or a thread in a text channel. */
function createThread(ctx: RouteContext): Reply {
  const { world } = ctx;
  const parent = channelOf(ctx);
  if (!parent) return refuse.unknownChannel();
  const b = ctx.body ?? {};
  const id = world.snowflake();
  const applied = Array.isArray(b.applied_tags) ? (b.applied_tags as string[]) : [];
  const duration = typeof b.auto_archive_duration === 'number' ? b.auto_archive_duration : undefined;
  const starter = parent.available_tags ? messageFields({ ...ctx, body: (b.message as Record<string, unknown> | undefined) ?? {} }) : undefined;
  if (starter && isEmpty(starter)) return refuse.emptyMessage();
  const thread = world.addThread(parent.id, String(b.name), { id, applied_tags: applied, ...(duration ? { auto_archive_duration: duration } : {}) });
  world.announce('THREAD_CREATE', { ...world.channelObject(thread), newly_created: true }, Intent.Guilds);
  if (!starter) return { status: 201, body: world.channelObject(thread) };
  const message = post(world, thread.id, world.bot, { ...starter, id });
  return { status: 201, body: { ...world.channelObject(thread), message: world.messageObject(message) } };
}

function listMessages(ctx: RouteContext): Reply {
  const limit = Number(ctx.query.get('limit') ?? 50);
  const before = ctx.query.get('before');
  const after = ctx.query.get('after');
  let list = ctx.world.history(ctx.params.channel_id!);
  if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
  if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
  return ok(list.reverse().slice(0, limit).map((m) => ctx.world.messageObject(m)));
}

function react(add: boolean): RouteHandler {
  return (ctx) => {
    const msg = messageOf(ctx);
    if (!msg) return refuse.unknownMessage();
    // "Archived threads: only deletes are allowed" (topics/threads.mdx): a new reaction is refused.
    if (add && ctx.world.channels.get(msg.channel_id)?.thread_metadata?.archived) return refuse.archivedThread();
    const emoji = ctx.params.emoji_name!;
    const had = msg.reactions.has(emoji);
    if (add) msg.reactions.add(emoji);
    else msg.reactions.delete(emoji);
    if (had !== add) {
      ctx.world.announce(add ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', {
        user_id: ctx.world.bot.id, channel_id: msg.channel_id, message_id: msg.id, guild_id: ctx.world.guildId, emoji: emojiObject(emoji),
      }, Intent.GuildMessageReactions);
    }
    return noContent;
  };
}

export const channelRoutes: Record<string, RouteHandler> = {
  'GET /channels/{channel_id}': (ctx) => {
    const ch = channelOf(ctx);
    return ch ? ok(ctx.world.channelObject(ch)) : refuse.unknownChannel();
  },
  'PATCH /channels/{channel_id}': patchChannel,
  'POST /channels/{channel_id}/threads': createThread,
  'GET /channels/{channel_id}/messages': (ctx) => (channelOf(ctx) ? listMessages(ctx) : refuse.unknownChannel()),
  'POST /channels/{channel_id}/messages': createMessage,
  'GET /channels/{channel_id}/messages/{message_id}': (ctx) => {
    const msg = messageOf(ctx);
    return msg ? ok(ctx.world.messageObject(msg)) : refuse.unknownMessage();
  },
  'PATCH /channels/{channel_id}/messages/{message_id}': (ctx) => {
    const msg = messageOf(ctx);
    return msg ? edit(ctx.world, msg, messageFields(ctx)) : refuse.unknownMessage();
  },
  'DELETE /channels/{channel_id}/messages/{message_id}': (ctx) => {
    const msg = messageOf(ctx);
    if (!msg) return refuse.unknownMessage();
    msg.deleted = true;
    ctx.world.announce('MESSAGE_DELETE', { id: msg.id, channel_id: msg.channel_id, guild_id: ctx.world.guildId }, Intent.GuildMessages);
    return noContent;
  },
  'PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me': react(true),
  'DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me': react(false),
};
