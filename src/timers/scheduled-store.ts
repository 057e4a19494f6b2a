import { joinRich, rich, code, type Rich } from '../core/rich-text.js';
import type { Db } from '../db/connect.js';
import type { Agent } from '../agents/repository.js';
import { say, t, type Locale, type MessageKey } from '../i18n/catalog.js';
import type { TemplateChoice } from '../tickets/template-send.js';
import { formatLocal } from './when.js';

export type ScheduledState = 'pending' | 'sent' | 'failed' | 'cancelled';

/** Why a scheduled message failed: a catalogue word (scheduled.reason.*). */
export type FailureReason = 'window_closed' | 'closed_ticket' | 'blocked' | 'template' | 'no_channel';

/** One scheduled message: the row is the truth, a delayed job only wakes the worker. */
export interface Scheduled {
  id: string;
  ticket_id: string | null;
  contact_id: string;
  connection_id: string;
  author_agent_id: string;
  body: string;
  send_at: Date;
  state: ScheduledState;
  template: TemplateChoice | null;
  failure: FailureReason | null;
}

/** What a list line shows beside the row: who wrote it and to whom. */
interface Listed extends Scheduled {
  author_name: string | null;
  contact_label: string;
}

const COLUMNS = 'id, ticket_id, contact_id, connection_id, author_agent_id, body, send_at, state, template, failure';

export async function insertScheduled(
  db: Db,
  s: { ticketId: string | null; contactId: string; connectionId: string; authorId: string; body: string; at: Date; template: TemplateChoice | null },
): Promise<Scheduled> {
  const [row] = await db<Scheduled[]>`
    INSERT INTO scheduled_messages (ticket_id, contact_id, connection_id, author_agent_id, body, send_at, template)
    VALUES (${s.ticketId}, ${s.contactId}, ${s.connectionId}, ${s.authorId}, ${s.body}, ${s.at}, ${s.template ? db.json(s.template as never) : null})
    RETURNING ${db.unsafe(COLUMNS)}`;
  return row!;
}

/** A pending row, locked for a change: only its author or an admin may touch it. */
export async function lockPendingFor(db: Db, id: string, agent: Agent, isAdmin: boolean): Promise<Scheduled | 'missing' | 'not_pending' | 'not_yours'> {
  if (!/^\d{1,18}$/.test(id)) return 'missing';
  const [row] = await db<Scheduled[]>`SELECT ${db.unsafe(COLUMNS)} FROM scheduled_messages WHERE id = ${id} FOR UPDATE`;
  if (!row) return 'missing';
  if (row.state !== 'pending') return 'not_pending';
  if (row.author_agent_id !== agent.id && !isAdmin) return 'not_yours';
  return row;
}

export type Change = { text: string } | { at: Date } | { template: TemplateChoice | null } | { contactId: string; connectionId: string };

/** Edits a pending row (already locked). A new contact detaches it from its ticket. */
export async function editScheduled(db: Db, id: string, change: Change): Promise<Scheduled> {
  const [row] = await db<Scheduled[]>`
    UPDATE scheduled_messages SET ${
      'text' in change ? db`body = ${change.text}`
      : 'at' in change ? db`send_at = ${change.at}`
      : 'template' in change ? db`template = ${change.template ? db.json(change.template as never) : null}`
      : db`contact_id = ${change.contactId}, connection_id = ${change.connectionId}, ticket_id = NULL`
    } WHERE id = ${id} RETURNING ${db.unsafe(COLUMNS)}`;
  return row!;
}

export async function cancelScheduled(db: Db, id: string): Promise<void> {
  await db`UPDATE scheduled_messages SET state = 'cancelled', done_at = now() WHERE id = ${id} AND state = 'pending'`;
}

/**
 * Rows to list, newest-due last: a ticket's (every state), or an author's / everyone's pending
 * ones with those settled in the last week (so a failure and its reason are seen).
 */
export async function listScheduled(db: Db, scope: { ticketId: string } | { authorId: string } | 'all'): Promise<Listed[]> {
  const where =
    scope === 'all' ? db`TRUE`
    : 'ticketId' in scope ? db`s.ticket_id = ${scope.ticketId}`
    : db`s.author_agent_id = ${scope.authorId}`;
  return db<Listed[]>`
    SELECT * FROM (
      SELECT ${db.unsafe(COLUMNS.split(', ').map((c) => `s.${c}`).join(', '))},
             a.display_name AS author_name, COALESCE(c.name, c.phone, c.external_id) AS contact_label
      FROM scheduled_messages s JOIN agents a ON a.id = s.author_agent_id JOIN contacts c ON c.id = s.contact_id
      WHERE ${where} AND (s.state = 'pending' OR COALESCE(s.done_at, s.send_at) > now() - interval '7 days')
      ORDER BY s.send_at DESC LIMIT 25) AS recent
    ORDER BY send_at`;
}

/** One line per row: `#12 · pending · 2026-12-24 10:00 (zone) · to Ana, by Maria: “text”`. */
export function describeRows(locale: Locale, rows: Listed[], zone: string): Rich {
  return joinRich(
    rows.map((r) => {
      const what = r.body ? rich('“', r.body, '”') : rich(say(locale, 'scheduled.template_only'));
      const tpl = r.template ? say(locale, 'scheduled.with_template', { name: code(r.template.name) }) : [];
      const state = t(locale, `scheduled.state.${r.state}` as MessageKey);
      const why = r.state === 'failed' && r.failure ? rich(' (', say(locale, `scheduled.reason.${r.failure}` as MessageKey), ')') : [];
      return rich(
        `• #${r.id} · `, state, why, ` · ${formatLocal(r.send_at, zone)} · `,
        say(locale, 'scheduled.line_who', { contact: r.contact_label, author: r.author_name ?? '?' }), ': ', what, tpl,
      );
    }),
    '\n',
  );
}
