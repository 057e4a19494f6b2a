import { customerSide } from './sends.js';
import { NOTHING, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';
import type { ChannelKind } from '../core/events.js';

/**
 * Messenger and Instagram webhooks carry no name: before a new ticket's thread opens, the
 * channel is asked once for the customer's name, so the card and their messages show it. This
 * is a nicety: any failure leaves the platform id in place and the thread opens anyway.
 */
export async function lookupContactName(deps: OperationDeps, ticketId: string): Promise<Effect> {
  const [c] = await deps.sql<{ contact_id: string; external_id: string; name: string | null; channel: ChannelKind; account_id: string; token_encrypted: string | null }[]>`
    SELECT ct.id AS contact_id, ct.external_id, ct.name, c.channel, c.account_id, c.token_encrypted
    FROM tickets t JOIN contacts ct ON ct.id = t.contact_id JOIN connections c ON c.id = t.connection_id
    WHERE t.id = ${ticketId}`;
  if (!c || c.name) return NOTHING;
  try {
    const { channel, auth } = customerSide(deps, { channel: c.channel, accountId: c.account_id, tokenEncrypted: c.token_encrypted });
    const found = channel.lookupContact ? await channel.lookupContact({ ...auth, externalId: c.external_id }) : {};
    const name = found.name?.trim().slice(0, 200);
    // An agent's edit (or a name learned meanwhile) wins.
    if (name) await deps.sql`UPDATE contacts SET name = ${name}, updated_at = now() WHERE id = ${c.contact_id} AND name IS NULL AND NOT name_edited`;
  } catch {
    // No profile permission, a person who cannot be looked up, the platform down: the id stays.
  }
  return NOTHING;
}
