import type { Db } from '../db/connect.js';

/**
 * A comment on a contact (the multi-number inboxes' "contact comments"; `contact_notes`):
 * `general` ones show on every ticket of the contact, `conversation` ones only on the ticket
 * they were written in. Edited in place (`edited_at`), deleted by a mark (never shown again).
 */
export interface ContactNote {
  id: string;
  body: string;
  scope: 'general' | 'conversation';
  author: string | null;
  created_at: Date;
  edited_at: Date | null;
}

export type NoteScope = ContactNote['scope'];

export async function addContactNote(db: Db, n: { contactId: string; ticketId: string; authorAgentId: string; body: string; scope?: NoteScope }): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO contact_notes (contact_id, ticket_id, author_agent_id, body, scope)
    VALUES (${n.contactId}, ${n.ticketId}, ${n.authorAgentId}, ${n.body}, ${n.scope ?? 'general'}) RETURNING id`;
  return String(row!.id);
}

/**
 * The contact's comments that show on `ticketId`: every general one and this conversation's own,
 * oldest first (the most recent few: a card is not an archive).
 */
export async function contactNotes(db: Db, contactId: string, ticketId?: string, limit = 10): Promise<ContactNote[]> {
  const rows = await db<ContactNote[]>`
    SELECT n.id::text AS id, n.body, n.scope, a.display_name AS author, n.created_at, n.edited_at FROM contact_notes n
    LEFT JOIN agents a ON a.id = n.author_agent_id
    WHERE n.contact_id = ${contactId} AND n.deleted_at IS NULL
      AND (n.scope = 'general' ${ticketId ? db`OR n.ticket_id = ${ticketId}` : db``})
    ORDER BY n.id DESC LIMIT ${limit}`;
  return rows.reverse();
}

/** Rewrites a comment of this contact; false when it is not one (another contact's, or deleted). */
export async function editContactNote(db: Db, e: { id: string; contactId: string; body: string; agentId: string }): Promise<boolean> {
  const rows = await db`
    UPDATE contact_notes SET body = ${e.body}, edited_at = now(), edited_by = ${e.agentId}
    WHERE id = ${e.id} AND contact_id = ${e.contactId} AND deleted_at IS NULL RETURNING id`;
  return rows.length > 0;
}

/** Marks a comment of this contact deleted; false when it is not one. */
export async function deleteContactNote(db: Db, d: { id: string; contactId: string }): Promise<boolean> {
  const rows = await db`
    UPDATE contact_notes SET deleted_at = now() WHERE id = ${d.id} AND contact_id = ${d.contactId} AND deleted_at IS NULL RETURNING id`;
  return rows.length > 0;
}
