import type { Db } from '../db/connect.js';
import type { ThreadRef } from '../core/ports.js';

/** One earlier ticket of a contact, as `!history` lists it. */
export interface PastTicket {
  id: string;
  protocol: string;
  status: string;
  openedAt: Date;
  resolvedAt: Date | null;
  /** Who served: the agent who held it (else who resolved it). */
  servedBy: string | null;
  closeReason: string | null;
  csat: number | null;
  /** Its thread on the asking platform, to link to. */
  thread: ThreadRef | null;
}

type Row = Omit<PastTicket, 'thread'> & { containerId: string | null; threadId: string | null; total: number };

/**
 * The contact's other tickets, newest first, at most `limit`, and how many there are in all.
 * The one place history reads a ticket's close reason and satisfaction score: `close_reason` is
 * the reason given at resolve (chosen from the department's list or typed: `!resolve … <reason>`,
 * the close form, a scheduled resolve's reason); `csat` the customer's 1–5 survey answer.
 */
export async function contactHistory(db: Db, o: { contactId: string; exceptTicketId: string; platform: string; limit: number }): Promise<{ tickets: PastTicket[]; total: number }> {
  const rows = await db<Row[]>`
    SELECT t.id::text AS id, t.protocol, t.status, t.opened_at AS "openedAt", t.resolved_at AS "resolvedAt",
           COALESCE(a.display_name, r.display_name) AS "servedBy",
           t.close_reason AS "closeReason",
           t.csat::int AS csat,
           tl.container_id AS "containerId", tl.thread_id AS "threadId",
           count(*) OVER ()::int AS total
    FROM tickets t
    LEFT JOIN agents a ON a.id = t.assignee_id
    LEFT JOIN agents r ON r.id = t.resolved_by
    LEFT JOIN thread_links tl ON tl.ticket_id = t.id AND tl.is_current AND tl.platform = ${o.platform}
    WHERE t.contact_id = ${o.contactId} AND t.id <> ${o.exceptTicketId} AND t.deleted_at IS NULL
    ORDER BY t.opened_at DESC, t.id DESC
    LIMIT ${o.limit}`;
  return {
    total: rows[0]?.total ?? 0,
    tickets: rows.map(({ containerId, threadId, total: _total, ...r }) => ({ ...r, thread: containerId && threadId ? { containerId, threadId } : null })),
  };
}

/** A ticket's current threads, one per agent platform it shows on. */
export async function currentThreads(db: Db, ticketId: string): Promise<(ThreadRef & { platform: string })[]> {
  return db<(ThreadRef & { platform: string })[]>`
    SELECT platform, container_id AS "containerId", thread_id AS "threadId" FROM thread_links WHERE ticket_id = ${ticketId} AND is_current ORDER BY id`;
}
