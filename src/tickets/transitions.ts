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
import { queueTranscriptOnResolve } from './history-commands.js';

/** `farewell`: a text typed for this resolve; else the agent's own, else the workspace's. */
export type TicketCommand = { action: 'accept' } | { action: 'return' } | { action: 'resolve'; silent: boolean; reason?: string; farewell?: string };

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
 * Returns whether the action happened.
 */
export async function runTicketCommand(ctx: ActionContext, cmd: TicketCommand): Promise<boolean> {
  const { tx, ticket, agent, locale, lanes } = ctx;
  const name = agent.display_name ?? agent.platform_user_id;
  let after: Ticket;
  try {
    after = await transition(tx, ticket.id, cmd.action, agent.id, cmd.action === 'resolve' && cmd.reason ? { closeReason: cmd.reason } : {});
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
        : say(locale, 'thread.resolved', { protocol: after.protocol, agent: name });
  const noticeId = await insertNotice(tx, ticket.id, notice);
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  if (cmd.action === 'accept' && ctx.caps && replyWindow(ctx.caps, await lastInboundOf(tx, ticket.id)) === 'open') await queueMarkRead(tx, ticket.id, lanes);
  const kind = cmd.action === 'accept' ? 'accept' : cmd.action === 'resolve' && !cmd.silent ? 'farewell' : undefined;
  const override = cmd.action === 'resolve' ? cmd.farewell || agent.closing_message : undefined;
  if (kind && ctx.caps) await queueAutoMessage(tx, { ticketId: ticket.id, kind, agentId: agent.id, agentName: name, caps: ctx.caps, lanes, override });
  if (cmd.action === 'resolve') await queueTranscriptOnResolve(tx, ticket.id, lanes);
  return true;
}
