import type { Db } from '../db/connect.js';

export interface ContactNote {
  body: string;
  author: string | null;
  created_at: Date;
}

export async function addContactNote(db: Db, n: { contactId: string; ticketId: string; authorAgentId: string; body: string }): Promise<void> {
  await db`INSERT INTO contact_notes (contact_id, ticket_id, author_agent_id, body) VALUES (${n.contactId}, ${n.ticketId}, ${n.authorAgentId}, ${n.body})`;
}

/** The contact's notes, oldest first (the most recent few: a card is not an archive). */
export async function contactNotes(db: Db, contactId: string, limit = 10): Promise<ContactNote[]> {
  const rows = await db<ContactNote[]>`
    SELECT n.body, a.display_name AS author, n.created_at FROM contact_notes n
    LEFT JOIN agents a ON a.id = n.author_agent_id
    WHERE n.contact_id = ${contactId} ORDER BY n.id DESC LIMIT ${limit}`;
  return rows.reverse();
}
