import type { Logger } from '../../src/logger.js';
import { connectDiscord, createDiscordClient } from './client.js';
import { listenDiscord, type DiscordInboundDeps } from './inbound.js';

/** The gateway side, as main.ts starts it: connect, feed the inbox, stop cleanly. */
export async function startDiscordGateway(
  deps: Omit<DiscordInboundDeps, 'log'>,
  opts: { token: string; apiUrl: string; timeoutMs?: number; log: Logger; startTimeoutMs?: number },
): Promise<{ stop(): Promise<void> }> {
  const client = createDiscordClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  listenDiscord(client, { ...deps, log: opts.log });
  return connectDiscord(client, { token: opts.token, log: opts.log, startTimeoutMs: opts.startTimeoutMs });
}
