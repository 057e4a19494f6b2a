import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from '../../src/logger.js';

/** Boot must fail in words rather than hang if the gateway never says READY. */
const START_TIMEOUT_MS = 30_000;

/**
 * The gateway connection: what agents write in ticket posts, their reactions and button presses.
 * Thread messages arrive even when the post is not cached (Partials.Channel with the event's
 * `channel_type`); MessageContent is privileged (Developer Portal). REST and the gateway both
 * follow DISCORD_API_URL: discord.js finds the gateway through `GET /gateway/bot`.
 */
export function createDiscordClient(opts: { apiUrl: string; timeoutMs?: number }): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction],
    rest: { api: opts.apiUrl, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) },
    // Ponte reads only what events carry; nothing needs the member list or presences.
    allowedMentions: { parse: [] },
  });
}

const PORTAL = 'https://discord.com/developers/applications';

/** A refusal at boot as ONE line that names what to change, or undefined for anything else. */
export function discordBootRefusal(code: number | string | undefined, status?: number): string | undefined {
  if (status === 401 || code === 4004 || code === 'TokenInvalid') {
    return `Discord refused the bot token: in the Developer Portal (${PORTAL}) open your app → Bot → Reset Token, and put the new token in DISCORD_BOT_TOKEN.`;
  }
  if (code === 4014 || code === 'DisallowedIntents') {
    return `Discord refused the gateway intents (close 4014): in the Developer Portal (${PORTAL}) open your app → Bot → Privileged Gateway Intents and turn on "Message Content Intent", then start Ponte again.`;
  }
  if (code === 4013) return 'Discord refused the gateway intents as invalid (close 4013): this version of Ponte asks for intents Discord does not know; update discord.js.';
  return undefined;
}

/**
 * Logs in and waits for READY. A refused token or a missing privileged intent rejects with
 * one clear line (and the client is destroyed); reconnects and resumes after that are the
 * library's. `stop` disconnects cleanly.
 */
export async function connectDiscord(
  client: Client,
  opts: { token: string; log: Logger; startTimeoutMs?: number },
): Promise<{ stop(): Promise<void> }> {
  const ms = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const failures = [
    once(client, Events.ShardDisconnect, { signal: abort.signal }).then(([event]) => {
      const code = (event as { code?: number }).code;
      throw new Error(discordBootRefusal(code) ?? `the Discord gateway closed the connection (${code}) before it was ready`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not get READY within ${ms / 1000} s: check DISCORD_API_URL and the network`)), ms);
    }),
    client.login(opts.token).then(
      () => new Promise<never>(() => {}),
      (err: unknown) => {
        const e = err as { code?: number | string; status?: number; message?: string };
        throw new Error(discordBootRefusal(e.code, e.status) ?? `Discord login failed: ${e.message ?? String(err)}`, { cause: err });
      },
    ),
  ];
  try {
    await Promise.race([once(client, Events.ClientReady, { signal: abort.signal }), ...failures]);
  } catch (err) {
    await client.destroy().catch(() => {});
    throw new Error(`Discord could not connect: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
    abort.abort();
    for (const f of failures) f.catch(() => {});
  }
  // After READY the library reconnects and resumes by itself; what it cannot recover from is logged.
  client.on(Events.ShardDisconnect, (event) => {
    const line = discordBootRefusal(event.code);
    if (line) opts.log.error(line);
    else opts.log.warn({ code: event.code }, 'discord: gateway closed; the client reconnects');
  });
  client.on(Events.Error, (err) => opts.log.error({ err }, 'discord: client error'));
  opts.log.info({ user: client.user?.tag }, 'discord: connected to the gateway');
  return {
    async stop() {
      await client.destroy();
    },
  };
}
