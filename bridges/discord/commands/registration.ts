import { Routes, type REST } from 'discord.js';
import type { Db } from '../../../src/db/connect.js';
import { commandDefinitions, definitionsHash } from './index.js';

/** The settings row holding what was last registered (a hash of the definitions and their target). */
const SETTING = 'discord.commands';

export interface Registration { applicationId: string; guildId?: string }

/** Bulk overwrite (PUT): the set replaces whatever was there. Guild commands change at once; global ones within the hour. */
export async function putCommands(rest: REST, to: Registration, defs: unknown = commandDefinitions): Promise<void> {
  const route = to.guildId ? Routes.applicationGuildCommands(to.applicationId, to.guildId) : Routes.applicationCommands(to.applicationId);
  await rest.put(route, { body: defs });
}

/**
 * At start: registers the commands when they (or where they go) changed since the last
 * registration, so a new install needs no extra step and a restart costs no call.
 */
export async function registerIfChanged(db: Db, rest: REST, to: Registration, defs: unknown = commandDefinitions): Promise<'registered' | 'unchanged'> {
  const hash = definitionsHash(to.applicationId, to.guildId, defs);
  const [row] = await db<{ value: { hash?: string } }[]>`SELECT value FROM settings WHERE key = ${SETTING}`;
  if (row?.value.hash === hash) return 'unchanged';
  await putCommands(rest, to, defs);
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES (${SETTING}, ${db.json({ hash })}, 'ponte')
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
  return 'registered';
}
