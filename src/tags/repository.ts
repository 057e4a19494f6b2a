import type { Db } from '../db/connect.js';

/** Tags are lower-case words (letters incl. accented, digits, - and _), at most 32 characters. */
export const TAG = /^[a-z0-9à-ÿ][a-z0-9à-ÿ_-]{0,31}$/;

export function normaliseTags(words: string[]): { ok: string[]; bad: string[] } {
  const tags = words.map((w) => w.replace(/^#/, '').toLowerCase()).filter(Boolean);
  return { ok: [...new Set(tags.filter((t) => TAG.test(t)))], bad: tags.filter((t) => !TAG.test(t)) };
}

export async function addTicketTags(db: Db, ticketId: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await db`INSERT INTO tags (name) SELECT unnest(${names}::text[]) ON CONFLICT (name) DO NOTHING`;
  await db`
    INSERT INTO ticket_tags (ticket_id, tag_id) SELECT ${ticketId}, id FROM tags WHERE name = ANY(${names})
    ON CONFLICT DO NOTHING`;
}

export async function removeTicketTags(db: Db, ticketId: string, names: string[]): Promise<void> {
  await db`DELETE FROM ticket_tags WHERE ticket_id = ${ticketId} AND tag_id IN (SELECT id FROM tags WHERE name = ANY(${names}))`;
}

export async function ticketTags(db: Db, ticketId: string): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    SELECT g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = ${ticketId} ORDER BY g.name`;
  return rows.map((r) => r.name);
}

export async function addContactTags(db: Db, contactId: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await db`INSERT INTO tags (name) SELECT unnest(${names}::text[]) ON CONFLICT (name) DO NOTHING`;
  await db`
    INSERT INTO contact_tags (contact_id, tag_id) SELECT ${contactId}, id FROM tags WHERE name = ANY(${names})
    ON CONFLICT DO NOTHING`;
}

export async function removeContactTags(db: Db, contactId: string, names: string[]): Promise<void> {
  await db`DELETE FROM contact_tags WHERE contact_id = ${contactId} AND tag_id IN (SELECT id FROM tags WHERE name = ANY(${names}))`;
}

export async function contactTags(db: Db, contactId: string): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    SELECT g.name FROM contact_tags ct JOIN tags g ON g.id = ct.tag_id WHERE ct.contact_id = ${contactId} ORDER BY g.name`;
  return rows.map((r) => r.name);
}
