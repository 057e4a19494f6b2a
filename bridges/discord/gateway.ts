import type { Logger } from '../../src/logger.js';
import { connectDiscord, createDiscordClient } from './client.js';
import type { FastifyPluginAsync } from 'fastify';
import { listenDiscord, onInteraction, type DiscordInboundDeps } from './inbound.js';
import { discordInteractionRoutes } from './routes.js';

/** The gateway side, as main.ts starts it: connect, feed the inbox, stop cleanly. */
export async function startDiscordGateway(
  deps: Omit<DiscordInboundDeps, 'log'>,
  opts: { token: string; apiUrl: string; timeoutMs?: number; log: Logger; startTimeoutMs?: number },
): Promise<{ stop(): Promise<void> }> {
  const client = createDiscordClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  listenDiscord(client, { ...deps, log: opts.log });
  return connectDiscord(client, { token: opts.token, log: opts.log, startTimeoutMs: opts.startTimeoutMs });
}

/**
 * `POST /discord/interactions` (DISCORD_PUBLIC_KEY set): the same handler as the gateway's
 * INTERACTION_CREATE, with a client that never logs in (REST only, for a post's parent).
 */
export function discordHttpInteractions(
  deps: Omit<DiscordInboundDeps, 'log'>,
  opts: { token: string; apiUrl: string; publicKey: string; timeoutMs?: number; log: Logger },
): FastifyPluginAsync {
  const client = createDiscordClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  client.rest.setToken(opts.token);
  return discordInteractionRoutes({ publicKey: opts.publicKey, handle: (d, respond) => onInteraction(client, { ...deps, log: opts.log }, d, respond) });
}
