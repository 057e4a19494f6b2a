import type { Db } from '../db/connect.js';
import type { ChannelKind } from '../core/events.js';

export interface Contact {
  id: string;
  channel: ChannelKind;
  external_id: string;
  name: string | null;
  phone: string | null;
  blocked: boolean;
  /** Their previous message's time, before this one (the reply window it reopens, if any). */
  previous_inbound_at?: Date | null;
}

/**
 * Finds or creates the contact and records this inbound message's time. The profile name is
 * refreshed from the platform (people rename themselves); the last inbound time never moves back.
 */
export async function upsertContactOnInbound(
  db: Db,
  channel: ChannelKind,
  c: { externalId: string; name?: string; phone?: string },
  occurredAt: string,
): Promise<Contact> {
  const [row] = await db<Contact[]>`
    WITH prev AS (SELECT last_inbound_at FROM contacts WHERE channel = ${channel} AND external_id = ${c.externalId})
    INSERT INTO contacts (channel, external_id, name, phone, last_inbound_at)
    VALUES (${channel}, ${c.externalId}, ${c.name ?? null}, ${c.phone ?? null}, ${occurredAt})
    ON CONFLICT (channel, external_id) DO UPDATE SET
      -- A name an agent set wins over the platform profile's.
      name = CASE WHEN contacts.name_edited THEN contacts.name ELSE COALESCE(EXCLUDED.name, contacts.name) END,
      phone = COALESCE(EXCLUDED.phone, contacts.phone),
      last_inbound_at = GREATEST(contacts.last_inbound_at, EXCLUDED.last_inbound_at),
      updated_at = now()
    RETURNING id, channel, external_id, name, phone, blocked, (SELECT last_inbound_at FROM prev) AS previous_inbound_at`;
  return row!;
}


/** The details an agent can edit, for a ticket's contact (prefills the contact form). */
export async function contactDetailsForTicket(db: Db, ticketId: string): Promise<{ name: string | null; email: string | null; fields: Record<string, string> } | undefined> {
  const [row] = await db<{ name: string | null; email: string | null; fields: Record<string, string> }[]>`
    SELECT c.name, c.email, c.custom_fields AS fields FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ${ticketId}`;
  return row;
}

/**
 * The customer changed their number (WhatsApp `user_changed_number`): the contact moves to the
 * new id with its tickets, notes and tags. When the new id already has a contact (they wrote
 * from it first), the old one stays as it is and the new one is returned.
 */
export async function moveContact(db: Db, channel: ChannelKind, fromId: string, toId: string): Promise<{ id: string } | undefined> {
  const [moved] = await db<{ id: string }[]>`
    UPDATE contacts SET external_id = ${toId}, phone = CASE WHEN ${channel} = 'whatsapp' THEN ${toId} ELSE phone END, updated_at = now()
    WHERE channel = ${channel} AND external_id = ${fromId}
      AND NOT EXISTS (SELECT 1 FROM contacts WHERE channel = ${channel} AND external_id = ${toId})
    RETURNING id`;
  if (moved) return moved;
  const [existing] = await db<{ id: string }[]>`SELECT id FROM contacts WHERE channel = ${channel} AND external_id = ${fromId}`;
  return existing;
}
