import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { insertNotice } from '../messages/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import { queueWelcome } from './auto-messages.js';
import { postContactNotes } from './annotations.js';
import { routeNewTicket } from './routing.js';
import { findTicket } from './repository.js';

/** Why a ticket left the department menu: the customer chose, answered twice with no choice, or never answered. */
export type MenuExit = 'chosen' | 'invalid' | 'timeout';

const NOTICE = { chosen: 'menu.chosen', invalid: 'menu.no_choice_invalid', timeout: 'menu.no_choice_timeout' } as const;

/**
 * A ticket that waited for the department menu goes to `departmentId` and opens as any new
 * ticket does, in that department's place: the thread (with the contact's profile and notes),
 * a line saying what the customer chose (or that they did not), every message they wrote while
 * it waited, in order (with their files), then the greeting (or away message) and routing.
 */
export async function leaveMenu(
  tx: Tx,
  o: { ticketId: string; departmentId: string; how: MenuExit; customer: string; caps: ChannelCapabilities | undefined; locale: Locale; lanes: LaneSet },
): Promise<void> {
  await tx`UPDATE tickets SET department_id = ${o.departmentId}, menu_until = NULL, updated_at = now() WHERE id = ${o.ticketId}`;
  const ticket = (await findTicket(tx, o.ticketId))!;
  const lane = agentLane(ticket.id);
  const [contact] = await tx<{ name: string | null }[]>`SELECT name FROM contacts WHERE id = ${ticket.contact_id}`;
  if (!contact?.name) await o.lanes.add(lane, { kind: 'contact.profile', ticketId: ticket.id });
  await o.lanes.add(lane, { kind: 'thread.open', ticketId: ticket.id });
  await postContactNotes(tx, { ticketId: ticket.id, contactId: ticket.contact_id, locale: o.locale, lanes: o.lanes });
  const [dept] = await tx<{ name: string }[]>`SELECT name FROM departments WHERE id = ${o.departmentId}`;
  const noticeId = await insertNotice(tx, ticket.id, say(o.locale, NOTICE[o.how], { customer: o.customer, department: dept?.name ?? '' }));
  await o.lanes.add(lane, { kind: 'thread.post', messageId: noticeId });
  const held = await tx<{ id: string; files: number }[]>`
    SELECT id, jsonb_array_length(attachments) AS files FROM messages
    WHERE ticket_id = ${ticket.id} AND direction = 'inbound' AND kind <> 'reaction' ORDER BY id`;
  for (const m of held) {
    await o.lanes.add(lane, { kind: 'thread.post', messageId: String(m.id) });
    for (let index = 0; index < m.files; index += 1) await o.lanes.add(lane, { kind: 'media.mirror', messageId: String(m.id), index });
  }
  if (o.caps) await queueWelcome(tx, { ticketId: ticket.id, caps: o.caps, lanes: o.lanes, at: new Date() });
  await routeNewTicket(tx, ticket, { locale: o.locale, lanes: o.lanes });
}
