import type { Db } from '../db/connect.js';
import { TransitionRejected } from '../core/errors.js';
import { TRANSITIONS, type TicketAction, type TicketStatus } from './state-machine.js';

export interface Ticket {
  id: string;
  protocol: string;
  contact_id: string;
  connection_id: string;
  department_id: string;
  status: TicketStatus;
  assignee_id: string | null;
  previous_ticket_id: string | null;
  scheduled_close_at: Date | null;
  scheduled_close_keep: boolean;
  /** How the customer arrived (an ad), shown on the card. */
  referral: { source: string; headline?: string; url?: string } | null;
  /** Set when an admin deleted the ticket: only this tombstone is left (delete-ticket.ts). */
  deleted_at: Date | null;
  /** Set while a new conversation waits for the customer's department choice (department-menu.ts). */
  menu_until: Date | null;
  /** Set while the inactivity clock runs (timers/inactivity.ts). */
  inactivity_at: Date | null;
}

const COLUMNS = 'id, protocol, contact_id, connection_id, department_id, status, assignee_id, previous_ticket_id, scheduled_close_at, scheduled_close_keep, referral, deleted_at, menu_until, inactivity_at';

export async function findTicket(db: Db, id: string): Promise<Ticket | undefined> {
  const [row] = await db<Ticket[]>`SELECT ${db.unsafe(COLUMNS)} FROM tickets WHERE id = ${id}`;
  return row;
}

export async function findActiveTicket(db: Db, contactId: string, connectionId: string): Promise<Ticket | undefined> {
  const [row] = await db<Ticket[]>`
    SELECT ${db.unsafe(COLUMNS)} FROM tickets
    WHERE contact_id = ${contactId} AND connection_id = ${connectionId} AND status <> 'resolved'`;
  return row;
}

/**
 * Opens a pending ticket with a new protocol number. The partial unique index guarantees at
 * most one active ticket per contact and connection; a racing insert returns the winner's row.
 */
export async function openTicket(
  db: Db,
  t: { contactId: string; connectionId: string; departmentId: string },
): Promise<{ ticket: Ticket; created: boolean }> {
  const [created] = await db<Ticket[]>`
    INSERT INTO tickets (protocol, contact_id, connection_id, department_id, previous_ticket_id)
    VALUES (
      to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' || lpad(nextval('ticket_protocol_seq')::text, 6, '0'),
      ${t.contactId}, ${t.connectionId}, ${t.departmentId},
      (SELECT id FROM tickets WHERE contact_id = ${t.contactId} AND connection_id = ${t.connectionId}
        ORDER BY id DESC LIMIT 1))
    ON CONFLICT (contact_id, connection_id) WHERE status <> 'resolved' DO NOTHING
    RETURNING ${db.unsafe(COLUMNS)}`;
  if (created) return { ticket: created, created: true };
  const existing = await findActiveTicket(db, t.contactId, t.connectionId);
  if (!existing) throw new Error('ticket insert conflicted but no active ticket was found');
  return { ticket: existing, created: false };
}

export async function findTicketByThread(
  db: Db,
  platform: string,
  containerId: string,
  threadId: string,
): Promise<Ticket | undefined> {
  const [row] = await db<Ticket[]>`
    SELECT ${db.unsafe(COLUMNS.split(', ').map((c) => `t.${c}`).join(', '))}
    FROM thread_links l JOIN tickets t ON t.id = l.ticket_id
    WHERE l.platform = ${platform} AND l.container_id = ${containerId} AND l.thread_id = ${threadId} AND t.deleted_at IS NULL`;
  return row;
}

/**
 * A guarded transition: one UPDATE … WHERE status = ANY(allowed). Zero rows means someone
 * else moved the ticket first; the caller gets a TransitionRejected that says who and how.
 */
export async function transition(
  db: Db,
  ticketId: string,
  action: TicketAction,
  agentId: string | null,
  opts: { departmentId?: string; closeReason?: string } = {},
): Promise<Ticket> {
  const t = TRANSITIONS[action];
  const allowed = [...t.from];
  const [row] = await db<Ticket[]>`
    UPDATE tickets SET
      status = ${t.to},
      department_id = COALESCE(${opts.departmentId ?? null}::bigint, department_id),
      close_reason = CASE WHEN ${t.to} = 'resolved' THEN COALESCE(${opts.closeReason ?? null}, close_reason) ELSE close_reason END,
      scheduled_close_at = CASE WHEN ${t.to} = 'resolved' THEN NULL ELSE scheduled_close_at END,
      assignee_id = CASE ${t.assignee} WHEN 'set' THEN ${agentId}::bigint WHEN 'clear' THEN NULL ELSE assignee_id END,
      accepted_at = CASE WHEN ${t.to} = 'open' THEN now() ELSE accepted_at END,
      resolved_at = CASE WHEN ${t.to} = 'resolved' THEN now() ELSE resolved_at END,
      resolved_by = CASE WHEN ${t.to} = 'resolved' THEN ${agentId}::bigint ELSE resolved_by END,
      updated_at = now()
    WHERE id = ${ticketId} AND status = ANY(${allowed})
    RETURNING ${db.unsafe(COLUMNS)}`;
  if (row) return row;
  const [current] = await db<{ status: string; assignee: string | null }[]>`
    SELECT t.status, COALESCE(r.display_name, a.display_name) AS assignee
    FROM tickets t
    LEFT JOIN agents a ON a.id = t.assignee_id
    LEFT JOIN agents r ON r.id = t.resolved_by AND t.status = 'resolved'
    WHERE t.id = ${ticketId}`;
  throw new TransitionRejected(action, { status: current?.status ?? 'unknown', assigneeName: current?.assignee ?? null });
}

/** What a due scheduled resolve was set with, beside the ticket it is now acting on. */
export interface ClaimedClose { ticket: Ticket; by: string | null; silent: boolean; reason: string | null }

/**
 * A scheduled resolve's wake-up claims its deadline: if the ticket is still active and the
 * deadline has come, it is cleared (the reason kept as the close reason) and the ticket returned,
 * in one statement whose row lock holds until the transaction ends; otherwise nothing.
 */
export async function claimScheduledClose(db: Db, id: string): Promise<ClaimedClose | undefined> {
  const [row] = await db<(Ticket & { by: string | null; silent: boolean; reason: string | null })[]>`
    UPDATE tickets SET scheduled_close_at = NULL, close_reason = scheduled_close_reason
    WHERE id = ${id} AND status <> 'resolved' AND scheduled_close_at <= now()
    RETURNING ${db.unsafe(COLUMNS)}, scheduled_close_by AS by, scheduled_close_silent AS silent, scheduled_close_reason AS reason`;
  if (!row) return undefined;
  const { by, silent, reason, ...ticket } = row;
  return { ticket, by, silent, reason };
}
