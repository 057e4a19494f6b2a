import type { Sql } from '../../src/db/connect.js';
import { saveAgentProfile } from '../../src/agents/repository.js';
import { listDepartments } from '../../src/departments/repository.js';
import { listQuickReplies } from '../../src/quick-replies/repository.js';
import { allTemplates } from '../../src/templates/repository.js';
import { findTicketByThread } from '../../src/tickets/repository.js';
import type { SlashDeps } from './slash.js';

/** The values each autocompleted option offers, read from the database (never a platform call: 3 s). */
const SOURCES: Record<string, (sql: Sql) => Promise<string[]>> = {
  department: async (sql) => (await listDepartments(sql)).map((d) => d.name),
  shortcut: async (sql) => (await listQuickReplies(sql)).map((q) => q.shortcut),
  template: async (sql) => [...new Set((await allTemplates(sql)).map((t) => t.name))],
};

/** What the slash handler reads and writes in the core's database. */
export function slashStore(sql: Sql): Pick<SlashDeps, 'saveProfile' | 'ticketForThread' | 'suggest'> {
  return {
    saveProfile: async (userId, profile) => void (await saveAgentProfile(sql, 'discord', userId, profile)),
    ticketForThread: async (containerId, threadId) => (await findTicketByThread(sql, 'discord', containerId, threadId))?.id,
    async suggest(option, typed) {
      const all = (await SOURCES[option]?.(sql)) ?? [];
      const want = typed.trim().toLowerCase();
      return all.filter((v) => v.toLowerCase().includes(want));
    },
  };
}
