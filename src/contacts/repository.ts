import type { Db } from '../db/connect.js';
import type { ChannelKind, ContactIdentity } from '../core/events.js';

export interface Contact {
  id: string;
  channel: ChannelKind;
  external_id: string;
  name: string | null;
  phone: string | null;
  blocked: boolean;
  /** Their previous message's time, before this one (the reply window it reopens, if any). */
  previous_inbound_at?: Date | null;
  /** This message changed what the card shows of them (a phone WhatsApp now shares, a new username). */
  handles_changed?: boolean;
  /** The message's platform id is already linked to a stored message (a redelivery); asked with the upsert. */
  message_linked?: boolean | null;
}

/**
 * The one contact these ids name: by its key, its BSUID, or its phone when that phone is not
 * another BSUID's; the BSUID's contact first, then the key's. Shared by the lookup and the upsert.
 */
function sameCustomer(db: Db, channel: ChannelKind, c: ContactIdentity) {
  const userId = c.userId ?? null;
  // One index-backed lookup per id, not one OR across three columns: on a table without fresh
  // statistics (a new install, a busy day's new contacts) the planner answered the OR by reading
  // every contact of the channel through its first index (docs/performance.md). The one id is
  // chosen among the candidates first, so the outer read is `id = <one value>`, by primary key
  // whatever the statistics say (as `id IN (…)` or `= ANY(…)`, a small table's plan read every
  // contact to find the few ids).
  return db`
    WHERE id = (
      SELECT id FROM (
        SELECT id, user_id, external_id FROM contacts WHERE channel = ${channel} AND external_id = ${c.externalId}
        UNION ALL SELECT id, user_id, external_id FROM contacts WHERE channel = ${channel} AND user_id = ${userId}
        UNION ALL SELECT id, user_id, external_id FROM contacts
          WHERE channel = ${channel} AND phone = ${c.phone ?? null} AND (user_id IS NULL OR user_id = ${userId})) candidates
      ORDER BY (user_id = ${userId}) IS TRUE DESC, (external_id = ${c.externalId}) DESC, id
      LIMIT 1)`;
}

/**
 * Finds or creates the contact and records this inbound message's time. A contact is found by
 * any id the message gives: its key (`external_id`), its BSUID (`user_id`), or its phone when
 * that phone is not already another BSUID's; what the message adds (a BSUID, a phone) is kept on
 * it, so a customer who writes first by BSUID and later with their phone (or the other way round)
 * stays one contact. The profile name is refreshed from the platform (people rename themselves),
 * unless an agent set it; a message that carries a BSUID also says whether there is a username
 * (WhatsApp omits it when there is none). The last inbound time never moves back.
 */
export async function upsertContactOnInbound(
  db: Db,
  channel: ChannelKind,
  c: ContactIdentity,
  occurredAt: string,
  /** The message's platform id: `message_linked` then says whether it is already stored (one round trip, not two). */
  messageExternalId?: string,
): Promise<Contact> {
  const userId = c.userId ?? null;
  const phone = c.phone ?? null;
  const [row] = await db<Contact[]>`
    WITH found AS (
      SELECT id, last_inbound_at, phone, username FROM contacts
      ${sameCustomer(db, channel, c)} FOR UPDATE),
    updated AS (
      UPDATE contacts SET
        -- A name an agent set wins over the platform profile's.
        name = CASE WHEN contacts.name_edited THEN contacts.name ELSE COALESCE(${c.name ?? null}, contacts.name) END,
        phone = COALESCE(${phone}, contacts.phone),
        user_id = COALESCE(${userId}, contacts.user_id),
        username = CASE WHEN ${userId}::text IS NULL THEN contacts.username ELSE ${c.username ?? null} END,
        last_inbound_at = GREATEST(contacts.last_inbound_at, ${occurredAt}::timestamptz),
        updated_at = now()
      FROM found WHERE contacts.id = found.id
      RETURNING contacts.id, contacts.channel, contacts.external_id, contacts.name, contacts.phone, contacts.blocked,
                found.last_inbound_at AS previous_inbound_at,
                (found.phone IS DISTINCT FROM contacts.phone OR found.username IS DISTINCT FROM contacts.username) AS handles_changed),
    inserted AS (
      INSERT INTO contacts (channel, external_id, name, phone, user_id, username, last_inbound_at)
      SELECT ${channel}, ${c.externalId}, ${c.name ?? null}, ${phone}, ${userId}, ${c.username ?? null}, ${occurredAt}
      WHERE NOT EXISTS (SELECT 1 FROM found)
      RETURNING id, channel, external_id, name, phone, blocked, NULL::timestamptz AS previous_inbound_at, false AS handles_changed)
    SELECT u.*, ${messageExternalId === undefined ? db`NULL::boolean` : db`EXISTS (SELECT 1 FROM message_links WHERE platform = ${channel} AND external_id = ${messageExternalId})`} AS message_linked
    FROM (SELECT * FROM updated UNION ALL SELECT * FROM inserted) u`;
  return row!;
}

/** The contact these ids name (the same matching as `upsertContactOnInbound`), without recording anything. */
export async function findContact(db: Db, channel: ChannelKind, c: ContactIdentity): Promise<{ id: string; blocked: boolean } | undefined> {
  const [row] = await db<{ id: string; blocked: boolean }[]>`
    SELECT id, blocked FROM contacts
    ${sameCustomer(db, channel, c)}`;
  return row;
}

/** The details an agent can edit, for a ticket's contact (prefills the contact form). */
export async function contactDetailsForTicket(db: Db, ticketId: string): Promise<{ name: string | null; email: string | null; fields: Record<string, string> } | undefined> {
  const [row] = await db<{ name: string | null; email: string | null; fields: Record<string, string> }[]>`
    SELECT c.name, c.email, c.custom_fields AS fields FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ${ticketId}`;
  return row;
}

/**
 * The customer's ids changed (WhatsApp `user_changed_number`: a new phone and a new BSUID;
 * `user_changed_user_id`: a new BSUID): the contact, found by its old ids, keeps its tickets,
 * notes and tags under the new ones. When the new ids already belong to another contact (they
 * wrote from them first), the old one stays as it is and is returned.
 */
export async function moveContact(db: Db, channel: ChannelKind, from: ContactIdentity, to: { phone?: string; userId?: string }): Promise<{ id: string } | undefined> {
  const [old] = await db<{ id: string; external_id: string; phone: string | null; user_id: string | null }[]>`
    SELECT id, external_id, phone, user_id FROM contacts
    WHERE channel = ${channel} AND (external_id = ${from.externalId} OR user_id = ${from.userId ?? null} OR phone = ${from.phone ?? null})
    ORDER BY (external_id = ${from.externalId}) DESC, id LIMIT 1 FOR UPDATE`;
  if (!old) return undefined;
  const taken = await db`
    SELECT 1 FROM contacts WHERE channel = ${channel} AND id <> ${old.id}
      AND (external_id = ${to.phone ?? null} OR external_id = ${to.userId ?? null} OR user_id = ${to.userId ?? null})`;
  if (taken.length) return { id: old.id };
  // The key follows the id it was: a phone-keyed contact takes the new phone, a BSUID-keyed one the new BSUID.
  const key = old.external_id === old.user_id ? (to.userId ?? old.external_id) : (to.phone ?? old.external_id);
  await db`
    UPDATE contacts SET external_id = ${key}, phone = COALESCE(${to.phone ?? null}, phone),
      user_id = COALESCE(${to.userId ?? null}, user_id), updated_at = now()
    WHERE id = ${old.id}`;
  return { id: old.id };
}
