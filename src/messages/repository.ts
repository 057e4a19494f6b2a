import { plain, type Rich } from '../core/rich-text.js';
import type { Db } from '../db/connect.js';

export type Direction = 'inbound' | 'outbound' | 'note' | 'system';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'uncertain';

export interface Message {
  id: string;
  ticket_id: string;
  direction: Direction;
  author_agent_id: string | null;
  kind: string;
  body: string;
  delivery_status: DeliveryStatus | null;
}

export async function insertMessage(
  db: Db,
  m: {
    ticketId: string;
    direction: Direction;
    body: string;
    kind?: string;
    authorAgentId?: string | null;
    occurredAt?: string;
    deliveryStatus?: DeliveryStatus;
    attachments?: unknown[];
    /** A system message's rich text; `body` then holds its plain words. */
    rich?: Rich;
  },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO messages (ticket_id, direction, body, kind, author_agent_id, occurred_at, delivery_status, attachments, rich)
    VALUES (${m.ticketId}, ${m.direction}, ${m.body}, ${m.kind ?? 'text'}, ${m.authorAgentId ?? null},
            ${m.occurredAt ?? new Date().toISOString()}, ${m.deliveryStatus ?? null}, ${db.json((m.attachments ?? []) as never)},
            ${m.rich ? db.json(m.rich as never) : null})
    RETURNING id`;
  return row!.id;
}

/** A line from Ponte in a ticket's thread: stored as rich text, with its plain words as the body. */
export function insertNotice(db: Db, ticketId: string, text: Rich): Promise<string> {
  return insertMessage(db, { ticketId, direction: 'system', body: plain(text), rich: text });
}

export async function getMessage(db: Db, id: string): Promise<Message> {
  const [row] = await db<Message[]>`
    SELECT id, ticket_id, direction, author_agent_id, kind, body, delivery_status FROM messages WHERE id = ${id}`;
  if (!row) throw new Error(`message ${id} not found`);
  return row;
}

/** Links a platform id to a message; false when that platform id is already linked. */
export async function linkMessage(db: Db, messageId: string, platform: string, externalId: string): Promise<boolean> {
  const rows = await db`
    INSERT INTO message_links (message_id, platform, external_id) VALUES (${messageId}, ${platform}, ${externalId})
    ON CONFLICT DO NOTHING RETURNING message_id`;
  return rows.length === 1;
}

export async function isLinked(db: Db, platform: string, externalId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM message_links WHERE platform = ${platform} AND external_id = ${externalId}`;
  return rows.length > 0;
}

export async function findMessageByLink(db: Db, platform: string, externalId: string): Promise<Message | undefined> {
  const [row] = await db<Message[]>`
    SELECT m.id, m.ticket_id, m.direction, m.author_agent_id, m.kind, m.body, m.delivery_status
    FROM message_links l JOIN messages m ON m.id = l.message_id
    WHERE l.platform = ${platform} AND l.external_id = ${externalId}`;
  return row;
}

/** Order of delivery states: a status never moves a message backwards (statuses arrive out of order). */
const RANK: Record<DeliveryStatus, number> = { queued: 0, uncertain: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** Applies a delivery status if it moves the message forward; returns whether it did. */
export async function advanceDelivery(db: Db, messageId: string, status: DeliveryStatus, error?: string): Promise<boolean> {
  const rows = await db`
    UPDATE messages SET delivery_status = ${status}, delivery_error = COALESCE(${error ?? null}, delivery_error)
    WHERE id = ${messageId}
      AND (delivery_status IS NULL OR ${RANK[status]} > CASE delivery_status
        WHEN 'queued' THEN 0 WHEN 'uncertain' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 5 END)
    RETURNING id`;
  return rows.length === 1;
}

/**
 * Stores a customer's message with its platform id, moves the ticket's last-message time, and
 * queues the post to the thread on `postLane`, in one statement (this runs for every inbound
 * message). The outbox payload has the shape `enqueue` writes for 'thread.post'.
 * With `answered`, the same update of the ticket does what a customer's answer does to its
 * clocks (timers/inactivity.ts): the inactivity clock stops, and the window-close deadline moves
 * to `answered.windowCloseAt` where the department closes on the window (else it is cleared).
 * One update of the ticket row per message, not two.
 */
export async function insertInboundMessage(
  db: Db,
  m: {
    ticketId: string;
    body: string;
    kind: string;
    occurredAt: string;
    platform: string;
    externalId: string;
    /** The lane its thread post goes on; null holds it (a ticket with no thread yet: the department menu). */
    postLane: string | null;
    attachments?: unknown[];
    quote?: string | null;
    answered?: { windowCloseAt: string | null };
  },
): Promise<string> {
  const touch = m.answered
    ? db`
      UPDATE tickets t SET last_message_at = GREATEST(t.last_message_at, ${m.occurredAt}::timestamptz),
        inactivity_step = NULL, inactivity_at = NULL,
        window_close_at = CASE WHEN d.window_close THEN ${m.answered.windowCloseAt}::timestamptz END
      FROM departments d WHERE t.id = ${m.ticketId} AND d.id = t.department_id`
    : db`UPDATE tickets SET last_message_at = GREATEST(last_message_at, ${m.occurredAt}::timestamptz) WHERE id = ${m.ticketId}`;
  const [row] = await db<{ id: string }[]>`
    WITH m AS (
      INSERT INTO messages (ticket_id, direction, body, kind, occurred_at, attachments, quote)
      VALUES (${m.ticketId}, 'inbound', ${m.body}, ${m.kind}, ${m.occurredAt}, ${db.json((m.attachments ?? []) as never)}, ${m.quote ?? null})
      RETURNING id),
    link AS (
      INSERT INTO message_links (message_id, platform, external_id) SELECT id, ${m.platform}, ${m.externalId} FROM m),
    touch AS (${touch}),
    post AS (
      INSERT INTO outbox (lane, kind, payload) SELECT ${m.postLane}, 'thread.post', jsonb_build_object('messageId', id::text) FROM m
      WHERE ${m.postLane}::text IS NOT NULL)
    SELECT id FROM m`;
  return row!.id;
}

/** A customer's reaction on one of the ticket's messages (kept, not posted: it shows as a reaction). */
export async function insertReaction(
  db: Db,
  r: { ticketId: string; targetId: string; emoji: string | null; occurredAt: string; platform: string; externalId: string },
): Promise<{ id: string; previous: string | null }> {
  const [prev] = await db<{ body: string }[]>`
    SELECT body FROM messages WHERE reacts_to = ${r.targetId} AND direction = 'inbound' AND kind = 'reaction' ORDER BY id DESC LIMIT 1`;
  const [row] = await db<{ id: string }[]>`
    WITH m AS (
      INSERT INTO messages (ticket_id, direction, body, kind, occurred_at, reacts_to)
      VALUES (${r.ticketId}, 'inbound', ${r.emoji ?? ''}, 'reaction', ${r.occurredAt}, ${r.targetId})
      RETURNING id),
    link AS (INSERT INTO message_links (message_id, platform, external_id) SELECT id, ${r.platform}, ${r.externalId} FROM m)
    SELECT id FROM m`;
  return { id: row!.id, previous: prev?.body || null };
}
