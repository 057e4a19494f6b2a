import { createHash } from 'node:crypto';
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { ponteCommand } from './ponte.js';
import { ticketCommand } from './ticket.js';

/** Every application command Ponte registers, as the bulk-overwrite body. */
export const commandDefinitions: RESTPutAPIApplicationCommandsJSONBody = [ponteCommand, ticketCommand];

/** What a registration is keyed by: the definitions and where they go (a guild, or global). */
export function definitionsHash(applicationId: string, guildId: string | undefined, defs: unknown = commandDefinitions): string {
  return createHash('sha256').update(JSON.stringify({ applicationId, guildId: guildId ?? null, defs })).digest('hex');
}
