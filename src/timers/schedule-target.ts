import type { Db } from '../db/connect.js';

/** Who a scheduled message goes to: the contact, and the number/page that writes to them. */
export interface Target {
  contactId: string;
  connectionId: string;
  label: string;
}

export type TargetMiss = 'unknown_contact' | 'ambiguous_contact' | 'which_number' | 'blocked';

/**
 * A contact named by phone (`+55 11 98765-4321` written without spaces, or digits) or by name
 * (`Ana`, or `"Ana Lima"` quoted). A phone nobody has written from yet becomes a WhatsApp
 * contact, as `/ponte new` does; the number is the one whose channel the command was typed in,
 * else the only one. A name must match one contact exactly (any case); their number is the one
 * they last wrote to.
 */
export async function findTarget(db: Db, who: string, channelId: string | undefined): Promise<Target | TargetMiss> {
  const digits = who.replace(/[\s().+-]/g, '');
  if (/^\d{8,15}$/.test(digits) && /^\+?[\d().-]+$/.test(who)) {
    const numbers = await db<{ id: string; agent_destination: string }[]>`
      SELECT id, agent_destination FROM connections WHERE channel = 'whatsapp' AND disconnected_at IS NULL ORDER BY id`;
    const connection = numbers.find((c) => c.agent_destination === channelId) ?? (numbers.length === 1 ? numbers[0] : undefined);
    if (!connection) return numbers.length ? 'which_number' : 'unknown_contact';
    const [contact] = await db<{ id: string; blocked: boolean; label: string }[]>`
      INSERT INTO contacts (channel, external_id, phone) VALUES ('whatsapp', ${digits}, ${digits})
      ON CONFLICT (channel, external_id) DO UPDATE SET phone = COALESCE(contacts.phone, EXCLUDED.phone)
      RETURNING id, blocked, COALESCE(name, phone, external_id) AS label`;
    if (contact!.blocked) return 'blocked';
    return { contactId: contact!.id, connectionId: connection.id, label: contact!.label };
  }
  const name = who.replace(/^"(.*)"$/, '$1').trim();
  const found = await db<{ id: string; blocked: boolean; label: string; connection_id: string | null }[]>`
    SELECT c.id, c.blocked, COALESCE(c.name, c.phone, c.external_id) AS label,
           (SELECT t.connection_id FROM tickets t WHERE t.contact_id = c.id ORDER BY t.id DESC LIMIT 1) AS connection_id
    FROM contacts c WHERE lower(c.name) = lower(${name}) LIMIT 2`;
  if (found.length > 1) return 'ambiguous_contact';
  const contact = found[0];
  if (!contact?.connection_id) return 'unknown_contact';
  if (contact.blocked) return 'blocked';
  return { contactId: contact.id, connectionId: contact.connection_id, label: contact.label };
}

/** The zone an agent reads and writes times in: their own, else the workspace's. */
export async function zoneOf(db: Db, agentId: string, workspace: string): Promise<string> {
  const [row] = await db<{ time_zone: string | null }[]>`SELECT time_zone FROM agents WHERE id = ${agentId}`;
  return row?.time_zone ?? workspace;
}
