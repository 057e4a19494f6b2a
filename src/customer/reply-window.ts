import type { Db } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';

/**
 * Where a ticket's conversation stands against the channel's customer-service window:
 * - open: free text may go (within `windowHours` of the customer's last message);
 * - human_agent: only a person's reply, tagged as such (Messenger/Instagram, up to 7 days);
 * - closed: nothing but an approved template (WhatsApp) until the customer writes again.
 * A customer who never wrote (a conversation Ponte started) is outside the window.
 */
export type WindowState = 'open' | 'human_agent' | 'closed';

export function replyWindow(caps: Pick<ChannelCapabilities, 'windowHours' | 'humanAgentWindowHours'>, lastInboundAt: Date | null, now = new Date()): WindowState {
  if (!caps.windowHours) return 'open';
  if (!lastInboundAt) return 'closed';
  const hours = (now.getTime() - lastInboundAt.getTime()) / 3_600_000;
  if (hours < caps.windowHours) return 'open';
  if (caps.humanAgentWindowHours && hours < caps.humanAgentWindowHours) return 'human_agent';
  return 'closed';
}

/** The ticket's customer's last message time (the reply window's start). */
export async function lastInboundOf(db: Db, ticketId: string): Promise<Date | null> {
  const [row] = await db<{ last_inbound_at: Date | null }[]>`
    SELECT ct.last_inbound_at FROM tickets t JOIN contacts ct ON ct.id = t.contact_id WHERE t.id = ${ticketId}`;
  return row?.last_inbound_at ?? null;
}
