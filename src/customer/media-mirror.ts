import type { MediaRef } from '../core/events.js';
import { FileTooLarge } from '../core/ports.js';
import { DeliveryError } from '../core/errors.js';
import { contextOf, customerLabel } from '../messages/context.js';
import { insertNotice } from '../messages/repository.js';
import { say, t } from '../i18n/catalog.js';
import { agentLane, enqueue } from '../pipeline/outbox.js';
import { customerSide, megabytes } from './sends.js';
import { NOTHING, bridgeFor, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';
import { earlierFile, rememberFile, type Attempt } from '../pipeline/reconcile.js';

/**
 * A customer's file, brought into the ticket's thread: fetched from the channel with the
 * connection's token (capped per kind), then uploaded under the customer's name. It runs in
 * the ticket's agent lane right after the message's text line, so the thread keeps the
 * customer's order. A file that cannot come (too large, expired, refused) becomes a notice
 * with the reason; the text line is already there. Network trouble is retried by the outbox,
 * and a retry whose earlier upload may have been shared looks for it first (guarantee 2).
 */
export async function mirrorMedia(deps: OperationDeps, messageId: string, index: number, attempt?: Attempt): Promise<Effect> {
  const m = await contextOf(deps.sql, messageId, attempt?.context);
  const media = m.attachments[index] as MediaRef | undefined;
  if (!media) return NOTHING;
  const linkPlatform = `${m.agentPlatform}:file:${index}`;
  const [done] = await deps.sql`SELECT 1 FROM message_links WHERE message_id = ${messageId} AND platform = ${linkPlatform}`;
  if (done) return NOTHING;
  if (!m.thread) throw new Error(`ticket ${m.ticketId} has no ${m.agentPlatform} thread`);

  const bridge = bridgeFor(deps, m.agentPlatform);
  // An earlier attempt whose outcome is unknown may have shared it already: look before uploading again.
  const earlier = await earlierFile(deps.sql, bridge, attempt, m.thread);
  if (earlier) return { lanes: [], link: { messageId, platform: linkPlatform, externalId: earlier.externalId, markSent: false } };

  const { channel, auth } = customerSide(deps, m);
  const limit = deps.mediaLimits[media.kind];
  let reason: string;
  try {
    const file = await channel.fetchMedia({ ...auth, media, maxBytes: limit });
    const posted = await bridge.postFile({ thread: m.thread, file, authorName: customerLabel(m), ...rememberFile(deps.sql, attempt) });
    return { lanes: [], link: { messageId, platform: linkPlatform, externalId: posted.externalId, markSent: false } };
  } catch (err) {
    if (err instanceof FileTooLarge) reason = t(deps.locale, 'media.over_limit', { limit: megabytes(limit) });
    else if (err instanceof DeliveryError && !err.retryable && err.errorClass !== 'auth') reason = err.message;
    else throw err;
  }
  const noticeId = await insertNotice(deps.sql, m.ticketId, say(deps.locale, 'media.not_mirrored', { reason }));
  await enqueue(deps.sql, agentLane(m.ticketId), { kind: 'thread.post', messageId: noticeId });
  return { lanes: [agentLane(m.ticketId)] };
}
