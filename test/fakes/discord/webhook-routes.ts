// Webhooks (resources/webhook.mdx) and interaction responses (interactions/receiving-and-responding.mdx).
// An interaction's follow-ups and `@original` live under `/webhooks/{application_id}/{token}`, so
// both are answered here: a webhook path whose id is the application's and whose token belongs to
// an interaction is that interaction's webhook.
import { edit, isEmpty, messageFields, openForPosting, post } from './channel-routes.js';
import { discordError, noContent, ok, refuse, type Reply, type RouteContext, type RouteHandler } from './replies.js';
import { Intent, type DiscordUser, type FakeInteraction, type FakeMessage, type FakeWebhook } from './world.js';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const MAX_WEBHOOKS_PER_CHANNEL = 15;

/** The interaction whose token is in the path, when the path's webhook id is the application's. */
function interactionOf(ctx: RouteContext): FakeInteraction | undefined {
  if (ctx.params.webhook_id !== ctx.world.applicationId) return undefined;
  return [...ctx.world.interactions.values()].find((i) => i.token === ctx.params.webhook_token);
}

/** The webhook in the path; a known id with the wrong token answers 50027 as Discord does. */
function webhookOf(ctx: RouteContext): FakeWebhook | Reply {
  const w = ctx.world.webhooks.get(ctx.params.webhook_id!);
  if (!w) return refuse.unknownWebhook();
  if (ctx.params.webhook_token !== undefined && w.token !== ctx.params.webhook_token) return discordError(401, 50027, 'Invalid Webhook Token');
  return w;
}

const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'status' in x;

function webhookAuthor(w: FakeWebhook, body: Record<string, unknown> | undefined): DiscordUser {
  const username = typeof body?.username === 'string' ? body.username : w.name;
  return { id: w.id, username, discriminator: '0000', global_name: null, avatar: null, bot: true };
}

function execute(ctx: RouteContext): Reply {
  const { world, body } = ctx;
  const interaction = interactionOf(ctx);
  const fields = messageFields(ctx);
  if (isEmpty(fields)) return refuse.emptyMessage();
  if (interaction) {
    const ephemeral = ((fields.flags ?? 0) & EPHEMERAL) !== 0;
    const msg = post(world, interaction.channel_id, world.bot, { ...fields, application_id: world.applicationId, webhook_id: world.applicationId, ephemeral });
    return ok(world.messageObject(msg));
  }
  const w = webhookOf(ctx);
  if (isReply(w)) return w;
  const parent = world.channels.get(w.channel_id)!;
  const threadId = ctx.query.get('thread_id');
  let target = parent;
  if (threadId !== null) {
    const thread = world.channels.get(threadId);
    if (!thread || thread.parent_id !== parent.id) return refuse.unknownChannel();
    target = thread;
  } else if (parent.available_tags) {
    if (typeof body?.thread_name !== 'string') return refuse.forumWebhookNeedsThread();
    const applied = Array.isArray(body.applied_tags) ? (body.applied_tags as string[]) : [];
    target = world.addThread(parent.id, body.thread_name, { applied_tags: applied, owner_id: w.id });
    world.announce('THREAD_CREATE', { ...world.channelObject(target), newly_created: true }, Intent.Guilds);
  }
  const closed = openForPosting(world, target);
  if (closed) return closed;
  const msg = post(world, target.id, webhookAuthor(w, body), { ...fields, webhook_id: w.id, application_id: w.application_id });
  // "wait: waits for server confirmation of message send before response" — without it, 204 and no id.
  return ctx.query.get('wait') === 'true' ? ok(world.messageObject(msg)) : noContent;
}

/** The message a `/messages/{message_id|@original}` path names, for a webhook or an interaction. */
function webhookMessage(ctx: RouteContext): FakeMessage | Reply {
  const interaction = interactionOf(ctx);
  const id = ctx.params.message_id ?? interaction?.original_id;
  if (!interaction) {
    const w = webhookOf(ctx);
    if (isReply(w)) return w;
  } else if (id === undefined) {
    return refuse.unknownMessage();
  }
  const msg = id === undefined ? undefined : ctx.world.messages.get(id);
  return msg && !msg.deleted ? msg : refuse.unknownMessage();
}

function callback(ctx: RouteContext): Reply {
  const { world } = ctx;
  const i = world.interactions.get(ctx.params.interaction_id!);
  if (!i || i.token !== ctx.params.interaction_token) return refuse.unknownInteraction();
  if (i.callbacks.length > 0) return refuse.alreadyAcknowledged();
  const body = ctx.body ?? {};
  i.callbacks.push(body);
  const type = body.type as number;
  const data = { ...ctx, body: (body.data as Record<string, unknown> | undefined) ?? {} };
  let message: FakeMessage | undefined;
  if (type === 4 || type === 5) {
    const fields = type === 4 ? messageFields(data) : { flags: (((data.body.flags as number | undefined) ?? 0) & EPHEMERAL) | LOADING };
    const ephemeral = ((fields.flags ?? 0) & EPHEMERAL) !== 0;
    message = post(world, i.channel_id, world.bot, { ...fields, application_id: world.applicationId, interaction_id: i.id, ephemeral });
    i.original_id = message.id;
  } else if ((type === 6 || type === 7) && i.message_id !== undefined) {
    i.original_id = i.message_id;
    const target = world.messages.get(i.message_id);
    if (type === 7 && target) {
      const r = edit(world, target, messageFields(data));
      if (r.status !== 200) return r;
    }
    message = target;
  }
  if (ctx.query.get('with_response') !== 'true') return noContent;
  return ok({
    interaction: { id: i.id, type: i.type, response_message_id: message?.id, response_message_loading: type === 5, response_message_ephemeral: message?.ephemeral ?? false },
    resource: { type, ...(message ? { message: world.messageObject(message) } : {}) },
  });
}

const editMessage: RouteHandler = (ctx) => {
  const msg = webhookMessage(ctx);
  if (isReply(msg)) return msg;
  return edit(ctx.world, msg, { ...messageFields(ctx), flags: msg.flags & ~LOADING });
};
const getMessage: RouteHandler = (ctx) => {
  const msg = webhookMessage(ctx);
  return isReply(msg) ? msg : ok(ctx.world.messageObject(msg));
};
const deleteMessage: RouteHandler = (ctx) => {
  const msg = webhookMessage(ctx);
  if (isReply(msg)) return msg;
  msg.deleted = true;
  return noContent;
};

export const webhookRoutes: Record<string, RouteHandler> = {
  'POST /channels/{channel_id}/webhooks': (ctx) => {
    const { world } = ctx;
    const ch = world.channels.get(ctx.params.channel_id!);
    if (!ch || world.isThread(ch)) return refuse.unknownChannel();
    if ([...world.webhooks.values()].filter((w) => w.channel_id === ch.id).length >= MAX_WEBHOOKS_PER_CHANNEL) return refuse.tooManyWebhooks();
    const w: FakeWebhook = {
      id: world.snowflake(), token: world.token(), type: 1, channel_id: ch.id, guild_id: world.guildId,
      name: String(ctx.body?.name), avatar: null, application_id: world.applicationId,
    };
    world.webhooks.set(w.id, w);
    return ok(world.webhookObject(w));
  },
  'GET /channels/{channel_id}/webhooks': (ctx) => {
    if (!ctx.world.channels.has(ctx.params.channel_id!)) return refuse.unknownChannel();
    return ok([...ctx.world.webhooks.values()].filter((w) => w.channel_id === ctx.params.channel_id).map((w) => ctx.world.webhookObject(w)));
  },
  'GET /webhooks/{webhook_id}': (ctx) => {
    const w = webhookOf(ctx);
    return isReply(w) ? w : ok(ctx.world.webhookObject(w));
  },
  'DELETE /webhooks/{webhook_id}': (ctx) => (ctx.world.webhooks.delete(ctx.params.webhook_id!) ? noContent : refuse.unknownWebhook()),
  'POST /webhooks/{webhook_id}/{webhook_token}': execute,
  'GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': getMessage,
  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': editMessage,
  'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': deleteMessage,
  'GET /webhooks/{webhook_id}/{webhook_token}/messages/@original': getMessage,
  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original': editMessage,
  'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original': deleteMessage,
  'POST /interactions/{interaction_id}/{interaction_token}/callback': callback,
};
