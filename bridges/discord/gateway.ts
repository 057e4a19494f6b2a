import type { Sql } from '../../src/db/connect.js';
import type { Logger } from '../../src/logger.js';
import { connectDiscord, createDiscordClient } from './client.js';
import type { FastifyPluginAsync } from 'fastify';
import { registerIfChanged } from './commands/registration.js';
import { listenDiscord, onInteraction, type DiscordInboundDeps } from './inbound.js';
import { discordInteractionRoutes, type InteractionHandler } from './routes.js';
import { listenSlash, onSlash, type SlashDeps } from './slash.js';
import { slashStore } from './slash-deps.js';

/**
 * The gateway side, as main.ts starts it: connect, feed the inbox, answer `/ponte` and
 * `/ticket` (registered at start when their definitions changed), stop cleanly.
 */
export async function startDiscordGateway(
  deps: Omit<DiscordInboundDeps, 'log'> & { sql?: Sql; runCommand?: SlashDeps['runCommand'] },
  opts: { token: string; apiUrl: string; timeoutMs?: number; log: Logger; startTimeoutMs?: number; applicationId?: string; guildId?: string },
): Promise<{ stop(): Promise<void> }> {
  const client = createDiscordClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  listenDiscord(client, { ...deps, log: opts.log });
  if (deps.sql && deps.runCommand) listenSlash(client, { ...deps, runCommand: deps.runCommand, ...slashStore(deps.sql), log: opts.log });
  const connection = await connectDiscord(client, { token: opts.token, log: opts.log, startTimeoutMs: opts.startTimeoutMs });
  const applicationId = opts.applicationId ?? client.application?.id;
  if (deps.sql && applicationId) {
    const to = { applicationId, guildId: opts.guildId };
    await registerIfChanged(deps.sql, client.rest, to).then(
      (outcome) => opts.log.info({ ...to, outcome }, 'discord: slash commands'),
      (err: unknown) => opts.log.error({ err, ...to }, 'discord: the slash commands could not be registered; `ponte discord commands` retries'),
    );
  }
  return connection;
}

/**
 * `POST /discord/interactions` (DISCORD_PUBLIC_KEY set): the same handler as the gateway's
 * INTERACTION_CREATE, with a client that never logs in (REST only, for a post's parent).
 */
export function discordHttpInteractions(
  deps: Omit<DiscordInboundDeps, 'log'> & { sql: Sql; runCommand: SlashDeps['runCommand'] },
  opts: { token: string; apiUrl: string; publicKey: string; timeoutMs?: number; log: Logger },
): FastifyPluginAsync {
  const client = createDiscordClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  client.rest.setToken(opts.token);
  const slash: SlashDeps = { ...deps, ...slashStore(deps.sql), log: opts.log };
  // Discord sends every interaction here once the endpoint is set: commands, autocomplete, presses, forms.
  const handle: InteractionHandler = (d, respond) =>
    d.type === 2 || d.type === 4 ? onSlash(client, slash, d, respond) : onInteraction(client, { ...deps, log: opts.log }, d, respond);
  return discordInteractionRoutes({ publicKey: opts.publicKey, handle });
}
