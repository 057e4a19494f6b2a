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
  /**
   * Which tickets: a status (`open` is "in service": an agent has it), the asking agent's own,
   * every active one, everything, or `inbox` (the helpdesks' "open" view: active tickets nobody
   * has, or in one of the asking agent's departments).
   */
  scope: 'pending' | 'open' | 'mine' | 'active' | 'all' | 'inbox';
  platform: AgentPlatform;
  /** The asking agent's platform user id (for `mine`). */
  userId: string;
  departmentId?: string;
  assigneeUserId?: string;
  channel?: string;
  tag?: string;
  /** The connection's account (a WhatsApp phone number id, a page id). */
  account?: string;
  /** How the customer arrived (an ad): its source type, its URL, or words of its headline. */
  campaign?: string;
  /** Free text: a protocol, a phone number (digits), or part of a name. */
  text?: string;
  /** Latest message first, oldest message first, newest opening first, oldest opening first. */
  sort: 'latest' | 'earliest' | 'newest' | 'oldest';
  limit: number;
  /** Rows to skip (paging). */
  offset?: number;
}

type Row = Omit<FoundTicket, 'thread'> & { containerId: string | null; threadId: string | null; total: number };

/**
 * `/ponte tickets` and `/ponte search`: one query, filters composed as SQL fragments. Free text
 * finds the matching contacts first (trigram index contacts_search, migration 0025) and then
 * their tickets by contact id, so that a search is index-backed on a big install
 * (test/e2e/query-plans.test.ts).
 */
export async function findTickets(db: Db, q: TicketQuery): Promise<FoundTicket[]> {
  return (await findTicketPage(db, q)).found;
}

const like = (s: string) => `%${s.trim().replace(/[%_\\]/g, '\\$&')}%`;

/** One page of `findTickets`, and how many match in all. */
export async function findTicketPage(db: Db, q: TicketQuery): Promise<{ found: FoundTicket[]; total: number }> {
  const digits = q.text?.replace(/\D/g, '') ?? '';
  const rows = await db<Row[]>`
    SELECT t.id, t.protocol, t.status, c.channel, COALESCE(ct.name, '@' || ct.username, ct.phone, ct.external_id) AS customer, ct.phone,
           d.name AS department, a.display_name AS assignee, t.last_message_at AS "lastMessageAt",
           tl.container_id AS "containerId", tl.thread_id AS "threadId", count(*) OVER ()::int AS total
    FROM tickets t
    JOIN connections c ON c.id = t.connection_id
    JOIN contacts ct ON ct.id = t.contact_id
    JOIN departments d ON d.id = t.department_id
    LEFT JOIN agents a ON a.id = t.assignee_id
    LEFT JOIN thread_links tl ON tl.ticket_id = t.id AND tl.is_current AND tl.platform = ${q.platform}
    WHERE t.deleted_at IS NULL
      ${q.scope === 'pending' ? db`AND t.status = 'pending'` : db``}
      ${q.scope === 'open' ? db`AND t.status = 'open'` : db``}
      ${q.scope === 'active' ? db`AND t.status <> 'resolved'` : db``}
      ${q.scope === 'mine' ? db`AND t.status <> 'resolved' AND a.platform = ${q.platform} AND a.platform_user_id = ${q.userId}` : db``}
      ${q.scope === 'inbox' ? db`AND t.status <> 'resolved' AND (t.assignee_id IS NULL OR t.department_id IN (
                   SELECT ad.department_id FROM agent_departments ad JOIN agents me ON me.id = ad.agent_id
                   WHERE me.platform = ${q.platform} AND me.platform_user_id = ${q.userId}))` : db``}
      ${q.departmentId ? db`AND t.department_id = ${q.departmentId}` : db``}
      ${q.account ? db`AND c.account_id = ${q.account}` : db``}
      ${q.campaign ? db`AND t.referral IS NOT NULL AND (t.referral ->> 'source' = ${q.campaign} OR t.referral ->> 'url' = ${q.campaign} OR t.referral ->> 'headline' ILIKE ${like(q.campaign)})` : db``}
      ${q.assigneeUserId ? db`AND a.platform = ${q.platform} AND a.platform_user_id = ${q.assigneeUserId}` : db``}
      ${q.channel ? db`AND c.channel = ${q.channel}` : db``}
      ${q.tag ? db`AND (EXISTS (SELECT 1 FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = t.id AND g.name = ${q.tag})
                   OR EXISTS (SELECT 1 FROM contact_tags xt JOIN tags g ON g.id = xt.tag_id WHERE xt.contact_id = t.contact_id AND g.name = ${q.tag}))` : db``}
      ${q.text ? db`AND (t.protocol = ${q.text.trim()} OR t.contact_id = ANY (ARRAY(
                   SELECT m.id FROM contacts m WHERE m.name ILIKE ${like(q.text)}
                   OR m.username ILIKE ${like(q.text.trim().replace(/^@/, ''))} OR m.user_id = ${q.text.trim()}
                   ${digits.length >= 4 ? db`OR m.phone LIKE ${`%${digits}%`} OR m.external_id LIKE ${`%${digits}%`}` : db``})))` : db``}
    ORDER BY ${q.text ? db`(t.status <> 'resolved') DESC,` : db``}
      ${q.sort === 'oldest' ? db`t.opened_at ASC` : q.sort === 'newest' ? db`t.opened_at DESC` : q.sort === 'earliest' ? db`t.last_message_at ASC NULLS LAST` : db`t.last_message_at DESC NULLS LAST`}, t.id DESC
    LIMIT ${q.limit} OFFSET ${q.offset ?? 0}`;
  return {
    total: rows[0]?.total ?? 0,
    found: rows.map(({ containerId, threadId, total: _total, ...r }) => ({ ...r, thread: containerId && threadId ? { containerId, threadId } : null })),
  };
}

