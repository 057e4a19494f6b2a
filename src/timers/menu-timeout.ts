import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import type { Locale } from '../i18n/catalog.js';
import { LaneSet } from '../pipeline/outbox.js';
import { leaveMenu } from '../tickets/menu-exit.js';

/**
 * The wake-up of a department menu nobody answered. It acts at most once, and only if the ticket
 * still waits and its time has come (guarantee 6): the row is locked and checked in the same
 * transaction that routes it to its connection's default department.
 */
export async function fireMenuTimeout(
  tx: Tx,
  ticketId: string,
  o: { locale: Locale; capabilitiesOf(channel: string): ChannelCapabilities | undefined },
): Promise<string[]> {
  const [due] = await tx<{ department_id: string; channel: string; customer: string }[]>`
    SELECT c.department_id, c.channel, COALESCE(ct.name, ct.phone, ct.external_id) AS customer
    FROM tickets t JOIN connections c ON c.id = t.connection_id JOIN contacts ct ON ct.id = t.contact_id
    WHERE t.id = ${ticketId} AND t.status <> 'resolved' AND t.menu_until <= now() FOR UPDATE OF t`;
  if (!due) return [];
  const lanes = new LaneSet(tx);
  await leaveMenu(tx, { ticketId, departmentId: due.department_id, how: 'timeout', customer: due.customer, caps: o.capabilitiesOf(due.channel), locale: o.locale, lanes });
  return lanes.list();
}
