import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { AgentActionEvent } from '../core/events.js';
import type { Agent } from '../agents/repository.js';
import type { Ticket } from '../tickets/repository.js';
import { say, type Locale } from '../i18n/catalog.js';

/**
 * Whether a control may act on this ticket from where it was used, or the words that say why
 * not (shown only to the person who used it):
 *  - from a message: only the ticket's own live thread (its card, or a notice in that thread);
 *    a card or thread left behind by a department transfer no longer acts;
 *  - from home: only someone who may work the ticket's department: its agents and admins, or
 *    anyone when the department lists no agents (then, as in its channel, the whole team works it);
 *  - origin not recorded (a form opened before origins were): acted on as before.
 */
export async function actionOriginRefusal(
  tx: Tx,
  ev: AgentActionEvent,
  ticket: Ticket,
  agent: Agent,
  opts: { locale: Locale; envAdmins?: readonly string[] },
): Promise<Rich | undefined> {
  const from = ev.from;
  if (!from) return undefined;
  if (from.kind === 'thread') {
    const [own] = await tx`
      SELECT 1 FROM thread_links
      WHERE ticket_id = ${ticket.id} AND platform = ${ev.platform} AND is_current
        AND container_id = ${from.containerId} AND thread_id = ${from.threadId}`;
    return own ? undefined : say(opts.locale, 'action.wrong_place');
  }
  const [facts] = await tx<{ department: string; member: boolean; open: boolean }[]>`
    SELECT d.name AS department,
           EXISTS (SELECT 1 FROM agent_departments ad WHERE ad.agent_id = ${agent.id} AND ad.department_id = d.id) AS member,
           NOT EXISTS (SELECT 1 FROM agent_departments ad WHERE ad.department_id = d.id) AS open
    FROM departments d WHERE d.id = ${ticket.department_id}`;
  const allowed = !!facts?.member || !!facts?.open || agent.role === 'admin' || agent.platform_admin || (opts.envAdmins ?? []).includes(`${ev.platform}:${ev.userId}`);
  return allowed ? undefined : say(opts.locale, 'action.home_refused', { department: facts?.department ?? '' });
}
