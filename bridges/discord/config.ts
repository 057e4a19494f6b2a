import { optional, url } from '../../src/config.js';

/** The Discord bridge's variables (read and validated; the bridge itself is not built yet). */
export const discordEnv = {
  DISCORD_BOT_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional,
  DISCORD_PUBLIC_KEY: optional,
  DISCORD_API_URL: url('https://discord.com/api'),
};
