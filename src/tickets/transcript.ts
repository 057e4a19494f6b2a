import type { FileBytes, ThreadRef } from '../core/ports.js';
import type { Db } from '../db/connect.js';
import { t, type Locale } from '../i18n/catalog.js';
import { bridgeFor, NOTHING, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';
import { earlierFile, rememberFile, type Attempt } from '../pipeline/reconcile.js';

export type TranscriptFormat = 'txt' | 'html';

interface Line {
  direction: 'inbound' | 'outbound';
  body: string;
  agent: string | null;
  attachments: { kind?: string; filename?: string }[];
  occurred_at: Date;
}

/**
 * A ticket's conversation as a file: what the customer and the agents said to each other, in
 * order, each line with its time and who said it (agents by name; an agent's words as the customer
 * got them, signature included). Internal notes, commands and
 * Ponte's own notices are left out, so a transcript never holds anything the customer should not
 * read, whoever it is later handed to. Text or HTML (every value escaped).
 */
export async function buildTranscript(db: Db, ticketId: string, format: TranscriptFormat, locale: Locale): Promise<FileBytes | undefined> {
  const [ticket] = await db<{ protocol: string; customer: string; opened_at: Date; resolved_at: Date | null }[]>`
    SELECT t.protocol, COALESCE(c.name, c.external_id) AS customer, t.opened_at, t.resolved_at
    FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ${ticketId}`;
  if (!ticket) return undefined;
  const lines = await db<Line[]>`
    SELECT m.direction, m.body, a.display_name AS agent, m.attachments, m.occurred_at FROM messages m
    LEFT JOIN agents a ON a.id = m.author_agent_id
    WHERE m.ticket_id = ${ticketId} AND m.direction IN ('inbound', 'outbound') ORDER BY m.occurred_at, m.id`;
  const title = t(locale, 'transcript.title', { protocol: ticket.protocol, customer: ticket.customer });
  const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const who = (l: Line) => (l.direction === 'inbound' ? ticket.customer : t(locale, 'transcript.agent', { name: l.agent ?? '?' }));
  const said = (l: Line) => [l.body, ...l.attachments.map((f) => `[${f.filename ?? f.kind ?? t(locale, 'transcript.file')}]`)].filter(Boolean).join(' ');
  const span = t(locale, 'transcript.span', { opened: when(ticket.opened_at), resolved: ticket.resolved_at ? when(ticket.resolved_at) : '—' });
  const filename = `transcript-${ticket.protocol.replace(/[^\w-]/g, '_')}.${format}`;
  if (format === 'txt') {
    // A message of several lines keeps them, indented under its first.
    const text = [title, span, '', ...lines.map((l) => `[${when(l.occurred_at)}] ${who(l)}: ${said(l).replace(/\n/g, '\n    ')}`)].join('\n');
    return { bytes: Buffer.from(`${text}\n`, 'utf8'), mimeType: 'text/plain', filename };
  }
  const rows = lines.map((l) => `<p class="${l.direction}"><time>${esc(when(l.occurred_at))}</time> <b>${esc(who(l))}</b>: ${esc(said(l)).replace(/\n/g, '<br>')}</p>`);
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>\n<h1>${esc(title)}</h1>\n<p>${esc(span)}</p>\n${rows.join('\n')}\n</body></html>\n`;
  return { bytes: Buffer.from(html, 'utf8'), mimeType: 'text/html', filename };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Posts the transcript of `ofTicketId` into `thread` (a thread of `ticketId`). An upload whose
 * outcome was lost is looked for before uploading again, as a customer's file is.
 */
export async function postTranscript(
  deps: OperationDeps,
  op: { ofTicketId: string; format: TranscriptFormat; thread: ThreadRef & { platform: string } },
  attempt?: Attempt,
): Promise<Effect> {
  const bridge = bridgeFor(deps, op.thread.platform);
  const thread = { containerId: op.thread.containerId, threadId: op.thread.threadId };
  if (await earlierFile(deps.sql, bridge, attempt, thread)) return NOTHING;
  const file = await buildTranscript(deps.sql, op.ofTicketId, op.format, deps.locale);
  if (!file) return NOTHING;
  await bridge.postFile({ thread, file, ...rememberFile(deps.sql, attempt) });
  return NOTHING;
}
