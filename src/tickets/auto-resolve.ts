import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { TransitionRejected } from '../core/errors.js';
import { insertNotice } from '../messages/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import { transition } from './repository.js';
import { closeFields, closeReasonsOf } from './close-settings.js';
import { queueAutoMessage } from './auto-messages.js';
import { queueSurvey } from './survey.js';
import { queueTranscriptOnResolve } from './transcript-on-resolve.js';

/**
 * A resolve nobody typed (inactivity, the reply window closing): the same steps as an agent's
 * resolve (src/tickets/transitions.ts: the guarded transition, the card, a line in the thread, the
 * survey, the farewell, the transcript) with `reason` as its close reason. What the department
 * asks at close (a reason from its list, required contact fields) cannot be asked of anybody
 * here: it is not asked, and the thread says so, so the agent can fill the fields in later.
 * Returns whether the ticket was resolved (false: it was resolved meanwhile).
 */
export async function resolveAutomatically(
  tx: Tx,
  o: { ticketId: string; departmentId: string; reason: string; locale: Locale; caps: ChannelCapabilities | undefined; lanes: LaneSet },
): Promise<boolean> {
  let after;
  try {
    after = await transition(tx, o.ticketId, 'resolve', null, { closeReason: o.reason });
  } catch (err) {
    if (err instanceof TransitionRejected) return false;
    throw err;
  }
  const [assignee] = await tx<{ name: string | null }[]>`
    SELECT a.display_name AS name FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.id = ${o.ticketId}`;
  await o.lanes.add(agentLane(o.ticketId), { kind: 'card.update', ticketId: o.ticketId });
  const required = (await closeReasonsOf(tx, o.departmentId)).length > 0 || (await closeFields(tx)).some((f) => f.required);
  const line = say(o.locale, required ? 'inactivity.resolved_skipping' : 'inactivity.resolved', { protocol: after.protocol, reason: o.reason });
  const id = await insertNotice(tx, o.ticketId, line);
  await o.lanes.add(agentLane(o.ticketId), { kind: 'thread.post', messageId: id });
  if (o.caps) {
    await queueSurvey(tx, { ticketId: o.ticketId, caps: o.caps, lanes: o.lanes, locale: o.locale });
    await queueAutoMessage(tx, { ticketId: o.ticketId, kind: 'farewell', agentId: null, agentName: assignee?.name ?? '', caps: o.caps, lanes: o.lanes });
  }
  await queueTranscriptOnResolve(tx, o.ticketId, o.lanes);
  return true;
}
