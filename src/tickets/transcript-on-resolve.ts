import type { Tx } from '../db/connect.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import { getTranscriptOnResolve } from '../settings/transcript.js';
import { currentThreads } from './history.js';

/** On resolve, when `/ponte transcript on`: the ticket's transcript in each of its threads. */
export async function queueTranscriptOnResolve(tx: Tx, ticketId: string, lanes: LaneSet): Promise<void> {
  const format = await getTranscriptOnResolve(tx);
  if (!format) return;
  for (const thread of await currentThreads(tx, ticketId)) {
    await lanes.add(agentLane(ticketId), { kind: 'ticket.transcript', ticketId, ofTicketId: ticketId, format, thread });
  }
}
