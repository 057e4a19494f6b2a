import type { Db } from '../db/connect.js';

/** Tags are lower-case words (letters incl. accented, digits, - and _), at most 32 characters. */
export const TAG = /^[a-z0-9à-ÿ][a-z0-9à-ÿ_-]{0,31}$/;

export function normaliseTags(words: string[]): { ok: string[]; bad: string[] } {
  const tags = words.map((w) => w.replace(/^#/, '').toLowerCase()).filter(Boolean);
  return { ok: [...new Set(tags.filter((t) => TAG.test(t)))], bad: tags.filter((t) => !TAG.test(t)) };
}

/** What carries tags: a ticket (its own) or a contact (shown on all their tickets). */
export type Tagged = { ticketId: string } | { contactId: string };

const link = (of: Tagged) =>
  'ticketId' in of ? { table: 'ticket_tags', column: 'ticket_id', id: of.ticketId } : { table: 'contact_tags', column: 'contact_id', id: of.contactId };

export async function addTags(db: Db, of: Tagged, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const l = link(of);
  await db`INSERT INTO tags (name) SELECT unnest(${names}::text[]) ON CONFLICT (name) DO NOTHING`;
  await db`
    INSERT INTO ${db(l.table)} (${db(l.column)}, tag_id) SELECT ${l.id}, id FROM tags WHERE name = ANY(${names})
    ON CONFLICT DO NOTHING`;
}

export async function removeTags(db: Db, of: Tagged, names: string[]): Promise<void> {
  const l = link(of);
  await db`DELETE FROM ${db(l.table)} WHERE ${db(l.column)} = ${l.id} AND tag_id IN (SELECT id FROM tags WHERE name = ANY(${names}))`;
}

export async function tagsOf(db: Db, of: Tagged): Promise<string[]> {
  const l = link(of);
  const rows = await db<{ name: string }[]>`
    SELECT g.name FROM ${db(l.table)} x JOIN tags g ON g.id = x.tag_id WHERE x.${db(l.column)} = ${l.id} ORDER BY g.name`;
  return rows.map((r) => r.name);
}
