import type { Db } from '../db/connect.js';
import { say, type Locale } from '../i18n/catalog.js';
import { announceLane, enqueue } from './outbox.js';

export async function connectionOfTicket(db: Db, ticketId: string): Promise<string> {
  const [row] = await db<{ connection_id: string }[]>`SELECT connection_id FROM tickets WHERE id = ${ticketId}`;
  if (!row) throw new Error(`ticket ${ticketId} not found`);
  return row.connection_id;
}

/**
 * The platform refused the connection's token (WhatsApp 190, an expired or revoked token):
 * the connection shows as unhealthy in `/ponte status` with the way out, and its channel is
 * told once per outage — not once per message that fails the same way.
 */
export async function connectionTroubled(db: Db, connectionId: string, reason: string, locale: Locale): Promise<string[]> {
  // `reason` is the platform's words: stored as they are, quoted as words (the bridge escapes them).
  const [row] = await db<{ channel: string; account_id: string }[]>`
    UPDATE connections SET healthy = false, health_kind = 'auth', health_reason = ${reason}, alerted_at = now(), updated_at = now()
    WHERE id = ${connectionId} AND alerted_at IS NULL
    RETURNING channel, account_id`;
  if (!row) return [];
  await enqueue(db, announceLane(connectionId), {
    kind: 'channel.announce',
    connectionId,
    text: say(locale, 'health.auth_alert', { channel: row.channel, account: row.account_id, reason }),
  });
  return [announceLane(connectionId)];
}

/** A send went through on a connection whose token had been refused: it works again. */
export async function connectionRecovered(db: Db, connectionId: string): Promise<void> {
  await db`
    UPDATE connections SET healthy = true, health_reason = NULL, health_kind = NULL, alerted_at = NULL, updated_at = now()
    WHERE id = ${connectionId} AND alerted_at IS NOT NULL`;
}
