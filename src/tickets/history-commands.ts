import { say } from '../i18n/catalog.js';
import { agentLane } from '../pipeline/outbox.js';
import { currentThreads } from './history.js';
import type { TranscriptFormat } from './transcript.js';
import type { ActionContext } from './transitions.js';

/**
 * `!history` (or More → History): the contact's earlier tickets, posted in this thread on the
 * asker's platform. The links are made by the dispatch worker (`contact.history`).
 */
export async function historyCommand(ctx: ActionContext): Promise<void> {
  const thread = (await currentThreads(ctx.tx, ctx.ticket.id)).find((t) => t.platform === ctx.agent.platform);
  if (!thread) return;
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'contact.history', ticketId: ctx.ticket.id, thread });
}

/**
 * `!transcript [protocol] [html|txt]` (or More → Transcript): this ticket's conversation as a
 * file, or an earlier ticket's of the same contact (another customer's never).
 */
export async function transcriptCommand(ctx: ActionContext, args: string): Promise<void> {
  let format: TranscriptFormat = 'txt';
  let protocol: string | undefined;
  for (const word of args.trim().split(/\s+/).filter(Boolean)) {
    const w = word.toLowerCase();
    if (w === 'html' || w === 'txt' || w === 'text') format = w === 'html' ? 'html' : 'txt';
    else if (!protocol) protocol = word;
    else return ctx.refuse(say(ctx.locale, 'transcript.usage'));
  }
  let ofTicketId = ctx.ticket.id;
  if (protocol) {
    const [found] = await ctx.tx<{ id: string }[]>`
      SELECT id::text AS id FROM tickets WHERE protocol = ${protocol} AND contact_id = ${ctx.ticket.contact_id}`;
    if (!found) return ctx.refuse(say(ctx.locale, 'transcript.not_found', { protocol }));
    ofTicketId = found.id;
  }
  const thread = (await currentThreads(ctx.tx, ctx.ticket.id)).find((t) => t.platform === ctx.agent.platform);
  if (!thread) return;
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'ticket.transcript', ticketId: ctx.ticket.id, ofTicketId, format, thread });
}
