import { joinRich, rich, text as words, type Rich, type Span } from '../core/rich-text.js';
import { insertNotice } from '../messages/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import { enqueue, agentLane } from '../pipeline/outbox.js';
import { bridgeFor, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';
import { contactHistory, type PastTicket } from './history.js';
import type { ThreadRef } from '../core/ports.js';
import type { Attempt } from '../pipeline/reconcile.js';

/** How many earlier tickets `!history` lists; the rest are counted ("and N more"). */
export const HISTORY_LIMIT = 10;

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—');

/**
 * `!history` (or More → History), performed by the dispatch worker because each protocol links to
 * its thread, which only the bridge can make (a permalink). The notice is built with the links of
 * the platform of `thread` (the ticket's thread there) and queued for it, after this row.
 */
export async function postHistory(deps: OperationDeps, op: { ticketId: string; thread: ThreadRef & { platform: string }; noticeId?: string }, attempt?: Attempt): Promise<Effect> {
  const { ticketId, thread } = op;
  // An earlier attempt queued the notice already (its row did not settle): once is enough.
  if (op.noticeId) return { lanes: [agentLane(ticketId)] };
  const [ticket] = await deps.sql<{ contact_id: string }[]>`SELECT contact_id FROM tickets WHERE id = ${ticketId}`;
  if (!ticket) return { lanes: [] };
  const { tickets, total } = await contactHistory(deps.sql, { contactId: ticket.contact_id, exceptTicketId: ticketId, platform: thread.platform, limit: HISTORY_LIMIT });
  const bridge = bridgeFor(deps, thread.platform);
  const lines = await Promise.all(tickets.map(async (p) => line(p, deps.locale, p.thread ? await bridge.threadLink(p.thread, p.protocol).catch(() => words(p.protocol)) : words(p.protocol))));
  const more = total > tickets.length ? [say(deps.locale, 'history.more', { count: total - tickets.length })] : [];
  const text: Rich = tickets.length ? joinRich([say(deps.locale, 'history.header', { count: total }), ...lines, ...more], '\n') : say(deps.locale, 'history.none');
  await deps.sql.begin(async (tx) => {
    const id = await insertNotice(tx, ticketId, text);
    await enqueue(tx, agentLane(ticketId), { kind: 'thread.post', messageId: id, thread });
    if (attempt) await tx`UPDATE outbox SET payload = payload || jsonb_build_object('noticeId', ${id}::text) WHERE id = ${attempt.outboxId}`;
  });
  return { lanes: [agentLane(ticketId)] };
}

function line(p: PastTicket, locale: Locale, protocol: Span): Rich {
  return rich(
    '• ',
    protocol,
    say(locale, 'history.line', {
      opened: day(p.openedAt),
      resolved: p.resolvedAt ? day(p.resolvedAt) : t(locale, `status.${p.status as 'pending' | 'open' | 'resolved'}`),
      agent: p.servedBy ?? t(locale, 'card.unassigned'),
      reason: p.closeReason ? say(locale, 'history.reason', { reason: p.closeReason }) : '',
      csat: p.csat !== null ? say(locale, 'history.csat', { score: p.csat }) : '',
    }),
  );
}
