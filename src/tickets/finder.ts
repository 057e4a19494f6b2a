import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { ThreadRef } from '../core/ports.js';
import type { TicketStatus } from './state-machine.js';

export interface FoundTicket {
  id: string;
  protocol: string;
  status: TicketStatus;
  channel: string;
  customer: string;
  phone: string | null;
  department: string;
  assignee: string | null;
  lastMessageAt: Date | null;
  thread: ThreadRef | null;
}

export interface TicketQuery {
  /** Which tickets: a status, the asking agent's own, every active one, or everything. */
  scope: 'pending' | 'open' | 'mine' | 'active' | 'all';
  platform: AgentPlatform;
  /** The asking agent's platform user id (for `mine`). */
  userId: string;
  departmentId?: string;
  assigneeUserId?: string;
  channel?: string;
  tag?: string;
  /** Free text: a protocol, a phone number (digits), or part of a name. */
  text?: string;
  sort: 'latest' | 'oldest';
  limit: number;
}

type Row = Omit<FoundTicket, 'thread'> & { containerId: string | null; threadId: string | null };

/** `/ponte tickets` and `/ponte search`: one query, filters composed as SQL fragments. */
export async function findTickets(db: Db, q: TicketQuery): Promise<FoundTicket[]> {
  const digits = q.text?.replace(/\D/g, '') ?? '';
  const rows = await db<Row[]>`
    SELECT t.id, t.protocol, t.status, c.channel, COALESCE(ct.name, '@' || ct.username, ct.phone, ct.external_id) AS customer, ct.phone,
           d.name AS department, a.display_name AS assignee, t.last_message_at AS "lastMessageAt",
           tl.container_id AS "containerId", tl.thread_id AS "threadId"
    FROM tickets t
    JOIN connections c ON c.id = t.connection_id
    JOIN contacts ct ON ct.id = t.contact_id
    JOIN departments d ON d.id = t.department_id
    LEFT JOIN agents a ON a.id = t.assignee_id
    LEFT JOIN thread_links tl ON tl.ticket_id = t.id AND tl.is_current AND tl.platform = ${q.platform}
    WHERE true
      ${q.scope === 'pending' ? db`AND t.status = 'pending'` : db``}
      ${q.scope === 'open' ? db`AND t.status = 'open'` : db``}
      ${q.scope === 'active' ? db`AND t.status <> 'resolved'` : db``}
      ${q.scope === 'mine' ? db`AND t.status <> 'resolved' AND a.platform = ${q.platform} AND a.platform_user_id = ${q.userId}` : db``}
      ${q.departmentId ? db`AND t.department_id = ${q.departmentId}` : db``}
      ${q.assigneeUserId ? db`AND a.platform = ${q.platform} AND a.platform_user_id = ${q.assigneeUserId}` : db``}
      ${q.channel ? db`AND c.channel = ${q.channel}` : db``}
      ${q.tag ? db`AND (EXISTS (SELECT 1 FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = t.id AND g.name = ${q.tag})
                   OR EXISTS (SELECT 1 FROM contact_tags xt JOIN tags g ON g.id = xt.tag_id WHERE xt.contact_id = t.contact_id AND g.name = ${q.tag}))` : db``}
      ${q.text ? db`AND (t.protocol = ${q.text.trim()} OR ct.name ILIKE ${like(q.text)}
                   OR ct.username ILIKE ${like(q.text.trim().replace(/^@/, ''))} OR ct.user_id = ${q.text.trim()}
                   ${digits.length >= 4 ? db`OR ct.phone LIKE ${`%${digits}%`} OR ct.external_id LIKE ${`%${digits}%`}` : db``})` : db``}
    ORDER BY ${q.text ? db`(t.status <> 'resolved') DESC,` : db``}
      ${q.sort === 'oldest' ? db`t.opened_at ASC` : db`t.last_message_at DESC NULLS LAST`}, t.id DESC
    LIMIT ${q.limit}`;
  return rows.map(({ containerId, threadId, ...r }) => ({ ...r, thread: containerId && threadId ? { containerId, threadId } : null }));
}

/** `%text%` for ILIKE, with the pattern characters the person typed taken literally. */
function like(text: string): string {
  return `%${text.trim().replace(/[%_\\]/g, '\\$&')}%`;
}
