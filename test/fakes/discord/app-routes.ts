// The bot's own resources: gateway discovery, its user and application, slash commands (bulk
// overwrite, resources/application-commands), and the guild it sits in.
import { ok, discordError, type RouteContext, type RouteHandler } from './replies.js';
import type { DiscordWorld, FakeCommand } from './world.js';

/** `PUT …/commands` replaces the whole set; a command keeps its id when its name (and type) stays. */
function overwrite(ctx: RouteContext, key: string, guildId?: string): ReturnType<RouteHandler> {
  const { world } = ctx;
  if (ctx.params.application_id !== world.applicationId) return discordError(403, 50001, 'Missing Access');
  const before = world.commands.get(key) ?? [];
  const bodies = (Array.isArray(ctx.json) ? ctx.json : []) as Record<string, unknown>[];
  const next = bodies.map((c): FakeCommand => {
    const type = (c.type as number | undefined) ?? 1;
    const kept = before.find((b) => b.name === c.name && b.type === type);
    return {
      type, description: '', options: [], default_member_permissions: null, nsfw: false, ...c,
      id: kept?.id ?? world.snowflake(), application_id: world.applicationId, version: world.snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    };
  });
  world.commands.set(key, next);
  return ok(next);
}

const unknownGuild = () => discordError(404, 10004, 'Unknown Guild');
const inGuild = (world: DiscordWorld, id: string | undefined) => id === world.guildId;

export const appRoutes: Record<string, RouteHandler> = {
  'GET /gateway/bot': (ctx) =>
    ok({ url: ctx.world.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }),
  'GET /users/@me': (ctx) => ok({ ...ctx.world.bot, flags: 0, mfa_enabled: false, verified: true }),
  // The servers the bot is in (a partial guild each): the fake's one server.
  'GET /users/@me/guilds': (ctx) => ok([{ id: ctx.world.guildId, name: 'Ponte Test', icon: null, banner: null, owner: false, permissions: '1071698660929', features: ['COMMUNITY'] }]),
  'GET /applications/@me': (ctx) => ok({ id: ctx.world.applicationId, name: ctx.world.bot.username, description: '', bot_public: false, bot_require_code_grant: false, flags: 0, bot: ctx.world.bot }),
  'GET /applications/{application_id}/commands': (ctx) => ok(ctx.world.commands.get('global') ?? []),
  'PUT /applications/{application_id}/commands': (ctx) => overwrite(ctx, 'global'),
  'GET /applications/{application_id}/guilds/{guild_id}/commands': (ctx) => ok(ctx.world.commands.get(ctx.params.guild_id!) ?? []),
  'PUT /applications/{application_id}/guilds/{guild_id}/commands': (ctx) =>
    inGuild(ctx.world, ctx.params.guild_id) ? overwrite(ctx, ctx.params.guild_id!, ctx.params.guild_id) : unknownGuild(),
  // A member of the server: those the fake has seen in an event (a person never seen is unknown, 10007).
  'GET /guilds/{guild_id}/members/{user_id}': (ctx) => {
    const p = inGuild(ctx.world, ctx.params.guild_id) ? ctx.world.people.get(ctx.params.user_id!) : undefined;
    if (!p) return inGuild(ctx.world, ctx.params.guild_id) ? discordError(404, 10007, 'Unknown Member') : unknownGuild();
    return ok({
      user: { id: p.id, username: p.username, discriminator: '0', global_name: p.global_name ?? null, avatar: null },
      nick: p.nick ?? null, avatar: null, banner: null, communication_disabled_until: null, flags: 0, joined_at: new Date(0).toISOString(),
      pending: false, premium_since: null, roles: [], mute: false, deaf: false,
    });
  },
  'GET /guilds/{guild_id}': (ctx) => (inGuild(ctx.world, ctx.params.guild_id) ? ok(ctx.world.guildObject()) : unknownGuild()),
  'GET /guilds/{guild_id}/channels': (ctx) =>
    inGuild(ctx.world, ctx.params.guild_id)
      ? ok([...ctx.world.channels.values()].filter((c) => !ctx.world.isThread(c)).map((c) => ctx.world.channelObject(c)))
      : unknownGuild(),
  'GET /guilds/{guild_id}/threads/active': (ctx) =>
    inGuild(ctx.world, ctx.params.guild_id)
      ? ok({
        threads: [...ctx.world.channels.values()].filter((c) => c.thread_metadata && !c.thread_metadata.archived).map((c) => ctx.world.channelObject(c)),
        members: [],
      })
      : unknownGuild(),
};
