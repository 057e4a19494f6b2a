import { optional, url } from '../../src/config.js';

/** The Discord bridge's variables (read and validated). */
export const discordEnv = {
  DISCORD_BOT_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional,
  DISCORD_PUBLIC_KEY: optional,
  DISCORD_API_URL: url('https://discord.com/api'),
  /** Register the slash commands in this server only (they show at once; for a single-server install or tests). Unset: global. */
  DISCORD_GUILD_ID: optional,
};
