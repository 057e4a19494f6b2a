import type { AgentBridge, FoundPost, PostKey, PostPlace } from '../core/ports.js';
import type { Sql } from '../db/connect.js';
import type { OutboxKind } from './outbox.js';

/**
 * Agent-side operations that create a message. Like customer sends they get an in-flight mark
 * ('sending') before each attempt, so a crash between the post and its bookkeeping is told apart
 * from a first try. Unlike customer sends they are not given up when the outcome is unknown: the
 * message carries Ponte's key, so the next attempt can look for it before posting again
 * (guarantee 2). Files (media.mirror) are not listed: an upload cannot carry a key (docs/reliability.md).
 */
export const AGENT_POSTS: ReadonlySet<OutboxKind> = new Set(['thread.open', 'thread.post', 'channel.announce']);

/** What the dispatch worker knows about the row being performed. */
export interface Attempt {
  outboxId: string;
  /**
   * An earlier attempt at this row started and did not settle: it died in flight, or failed in a
   * way that may have taken effect (a 5xx, a dropped connection). Its post may be there.
   */
  unsure: boolean;
}

/** The key stamped on every attempt of one outbox row: short enough for Discord's 25-character nonce. */
export const postKey = (outboxId: string): PostKey => `ponte-${outboxId}`;

/** Platform clocks and ours disagree a little: look this far before the row was written. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * The post an earlier, unsure attempt made, if it is there. A first attempt (the usual case)
 * costs nothing: no history is read. A bridge that cannot search returns undefined, and the
 * caller posts again (a bridge whose platform deduplicates by key itself, like Discord's nonce).
 */
export async function earlierPost(
  sql: Sql,
  bridge: AgentBridge,
  attempt: Attempt | undefined,
  where: PostPlace,
): Promise<FoundPost | undefined> {
  if (!attempt?.unsure || !bridge.findPost) return undefined;
  const [row] = await sql<{ created_at: Date }[]>`SELECT created_at FROM outbox WHERE id = ${attempt.outboxId}`;
  const since = new Date((row?.created_at.getTime() ?? Date.now()) - CLOCK_MARGIN_MS);
  return bridge.findPost({ where, key: postKey(attempt.outboxId), since });
}

/** The key to stamp on a post, when the row is known (it always is under the dispatch worker). */
export const keyOf = (attempt: Attempt | undefined): { key?: PostKey } => (attempt ? { key: postKey(attempt.outboxId) } : {});
