import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { TransitionRejected } from '../core/errors.js';
import type { Agent } from '../agents/repository.js';
import { insertNotice } from '../messages/repository.js';
import { transition, type Ticket } from './repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import { queueAutoMessage } from './auto-messages.js';
import type { LaneSet} from '../pipeline/outbox.js';
import { agentLane } from '../pipeline/outbox.js';
import { queueMarkRead } from '../customer/mark-read.js';
import { lastInboundOf, replyWindow } from '../customer/reply-window.js';
import { checkClose, saveCloseFields } from './close-requirements.js';
import { queueSurvey } from './survey.js';
import { queueTranscriptOnResolve } from './transcript-on-resolve.js';

/**
 * `farewell`: a text typed for this resolve; else the agent's own, else the workspace's.
 * `reason`: the words typed after `!resolve` (a reason, and `field=value` for close fields);
 * `fields`: close fields from a form (null clears one).
 */
export type TicketCommand =
  | { action: 'accept' }
  | { action: 'return' }
  | { action: 'resolve'; silent: boolean; reason?: string; farewell?: string; fields?: Record<string, string | null> };

export interface ActionContext {
  tx: Tx;
  ticket: Ticket;
  agent: Agent;
  locale: Locale;
  caps: ChannelCapabilities | undefined;
  lanes: LaneSet;
  /** How a refusal reaches the agent: a thread notice for a command, a private line for a button. */
  refuse(text: Rich): Promise<void>;
}

/**
 * One ticket action, shared by `!` commands, implicit acceptance and buttons:
 *  1. the guarded transition (a stale or concurrent one is refused in words, nothing changes);
 *  2. the card is updated in place and the thread says who did what;
 *  3. the configured customer message goes out (accept; farewell unless silent).
 * A resolve first needs what its department asks at close (a reason, required fields): refused
 * in words, naming what is missing, until it has them; then the fields are saved, and the
 * satisfaction survey (when on, unless silent) goes out before the farewell.
 * Returns whether the action happened.
 */
export async function runTicketCommand(ctx: ActionContext, cmd: TicketCommand): Promise<boolean> {
  const { tx, ticket, agent, locale, lanes } = ctx;
  const name = agent.display_name ?? agent.platform_user_id;
  let closing: { reason?: string; fields: Record<string, string | null> } | undefined;
  if (cmd.action === 'resolve' && ticket.status !== 'resolved') {
    const check = await checkClose(tx, { departmentId: ticket.department_id, contactId: ticket.contact_id, words: cmd.reason ?? '', fields: cmd.fields, locale });
    if (!check.ok) {
      await ctx.refuse(check.refusal);
      return false;
    }
    closing = check;
  }
  let after: Ticket;
  try {
    after = await transition(tx, ticket.id, cmd.action, agent.id, closing?.reason ? { closeReason: closing.reason } : {});
  } catch (err) {
    if (!(err instanceof TransitionRejected)) throw err;
    const by = err.current.assigneeName ? say(locale, 'transition.by', { agent: err.current.assigneeName }) : '';
    const status = t(locale, `status.${err.current.status as 'pending' | 'open' | 'resolved'}`).toLowerCase();
    await ctx.refuse(say(locale, 'transition.rejected', { status, by }));
    return false;
  }
  ticket.status = after.status;
  await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
  const notice =
    cmd.action === 'accept'
      ? say(locale, 'thread.accepted', { agent: name })
      : cmd.action === 'return'
        ? say(locale, 'thread.returned', { agent: name })
        : closing?.reason
          ? say(locale, 'close.resolved_with_reason', { protocol: after.protocol, agent: name, reason: closing.reason })
          : say(locale, 'thread.resolved', { protocol: after.protocol, agent: name });
  if (closing) await saveCloseFields(tx, ticket.contact_id, closing.fields);
  const noticeId = await insertNotice(tx, ticket.id, notice);
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  if (cmd.action === 'accept' && ctx.caps && replyWindow(ctx.caps, await lastInboundOf(tx, ticket.id)) === 'open') await queueMarkRead(tx, ticket.id, lanes);
  const kind = cmd.action === 'accept' ? 'accept' : cmd.action === 'resolve' && !cmd.silent ? 'farewell' : undefined;
  if (cmd.action === 'resolve' && !cmd.silent && ctx.caps) await queueSurvey(tx, { ticketId: ticket.id, caps: ctx.caps, lanes, locale });
  const override = cmd.action === 'resolve' ? cmd.farewell || agent.closing_message : undefined;
  if (kind && ctx.caps) await queueAutoMessage(tx, { ticketId: ticket.id, kind, agentId: agent.id, agentName: name, caps: ctx.caps, lanes, override });
  if (cmd.action === 'resolve') await queueTranscriptOnResolve(tx, ticket.id, lanes);
  return true;
}
