import type { Tx } from '../db/connect.js';
import { mention } from '../core/rich-text.js';
import { insertNotice } from '../messages/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import type { Ticket } from './repository.js';

/**
 * A customer writes again after a quiet period (their department's `quiet` minutes without a
 * message from them on this ticket): the assignee is mentioned in the thread, once. The next
 * messages follow closely, so they mention nobody until the ticket is quiet again. Called just
 * after the message `messageId` (at `at`) is stored; a ticket's first message, a pending ticket
 * or one without an assignee mentions nobody.
 */
export async function mentionAfterQuiet(tx: Tx, ticket: Ticket, m: { messageId: string; at: string; locale: Locale; lanes: LaneSet }): Promise<boolean> {
  if (ticket.status !== 'open' || !ticket.assignee_id) return false;
  const [row] = await tx<{ user_id: string; quiet: boolean }[]>`
    SELECT a.platform_user_id AS user_id,
           (SELECT max(occurred_at) FROM messages
            WHERE ticket_id = ${ticket.id} AND direction = 'inbound' AND id < ${m.messageId})
             <= ${m.at}::timestamptz - make_interval(mins => d.quiet_minutes) AS quiet
    FROM agents a, departments d
    WHERE a.id = ${ticket.assignee_id} AND d.id = ${ticket.department_id}`;
  if (!row?.quiet) return false;
  const noticeId = await insertNotice(tx, ticket.id, say(m.locale, 'routing.customer_back', { agent: mention(row.user_id) }));
  await m.lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  return true;
}
