import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { commandDefinitions } from './index.js';
import { inviteUrl } from './invite.js';
import { putCommands } from './registration.js';

export interface DiscordCliConfig {
  DISCORD_BOT_TOKEN?: string;
  DISCORD_APPLICATION_ID?: string;
  DISCORD_GUILD_ID?: string;
  DISCORD_API_URL: string;
}

const USAGE = `Usage:
  ponte discord commands [--guild <id>]   register /ponte and /ticket now (default: DISCORD_GUILD_ID, else global)
  ponte discord invite                    print the link that adds the bot to a server, with the permissions it needs`;

/** `ponte discord …`: returns what to print, or throws a one-line reason. */
export async function discordCli(argv: string[], config: DiscordCliConfig): Promise<string> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { guild: { type: 'string' } } });
  const what = positionals[0];
  if (what !== 'commands' && what !== 'invite') return USAGE;
  if (!config.DISCORD_BOT_TOKEN) throw new Error('DISCORD_BOT_TOKEN is not set: copy the bot token from the Developer Portal (your app → Bot).');
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_BOT_TOKEN);
  const applicationId = config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  if (what === 'invite') return inviteUrl(applicationId);
  const guildId = values.guild ?? config.DISCORD_GUILD_ID;
  await putCommands(rest, { applicationId, guildId });
  const names = commandDefinitions.map((c) => `/${c.name}`).join(', ');
  return guildId ? `Registered ${names} in server ${guildId}.` : `Registered ${names} globally (Discord may take up to an hour to show them everywhere).`;
}
