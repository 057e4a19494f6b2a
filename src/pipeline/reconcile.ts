import type { AgentBridge, FoundPost, PostKey, PostPlace, ThreadRef } from '../core/ports.js';
import { DeliveryError } from '../core/errors.js';
import type { Sql } from '../db/connect.js';
import type { OutboxKind } from './outbox.js';
import type { MessageContext } from '../messages/context.js';

/**
 * Agent-side operations that create a message. Like customer sends they get an in-flight mark
 * ('sending') before each attempt, so a crash between the post and its bookkeeping is told apart
 * from a first try. Unlike customer sends they are not given up when the outcome is unknown: the
 * message carries Ponte's key, so the next attempt can look for it before posting again
 * (guarantee 2). A file (media.mirror) cannot carry a key: its upload remembers the platform's
 * file id in the row instead, and the next attempt asks whether that file was shared (earlierFile).
 */
export const AGENT_POSTS: ReadonlySet<OutboxKind> = new Set(['thread.open', 'thread.post', 'channel.announce', 'media.mirror', 'ticket.transcript']);

/** What the dispatch worker knows about the row being performed. */
export interface Attempt {
  outboxId: string;
  /**
   * An earlier attempt at this row started and did not settle: it died in flight, or failed in a
   * way that may have taken effect (a 5xx, a dropped connection). Its post may be there.
   */
  unsure: boolean;
  /** The row's message, read with its claim (absent: read it when needed). */
  context?: MessageContext;
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

/**
 * The file an earlier, unsure attempt at this row shared into `thread`, if it did: the attempt
 * remembered the platform's file id in the row (rememberFile) before completing the upload. No
 * id remembered means that attempt never got as far as sharing anything. A first attempt reads
 * nothing; a bridge that cannot look (no findFile) uploads again.
 */
export async function earlierFile(
  sql: Sql,
  bridge: AgentBridge,
  attempt: Attempt | undefined,
  thread: ThreadRef,
): Promise<FoundPost | undefined> {
  if (!attempt?.unsure || !bridge.findFile) return undefined;
  const [row] = await sql<{ file_id: string | null }[]>`SELECT payload->>'fileId' AS file_id FROM outbox WHERE id = ${attempt.outboxId}`;
  return row?.file_id ? bridge.findFile({ fileId: row.file_id, thread }) : undefined;
}

/**
 * postFile's `remember`: writes the file's id into the row before the upload is completed, so an
 * attempt whose outcome is lost can be looked up (earlierFile). Each attempt's upload replaces the
 * last one's id: only the newest can have been shared. A write that fails stops the upload before
 * anything is shared, and the row is retried.
 */
export function rememberFile(sql: Sql, attempt: Attempt | undefined): { remember?: (fileId: string) => Promise<void> } {
  if (!attempt) return {};
  return {
    remember: async (fileId) => {
      await sql`UPDATE outbox SET payload = payload || jsonb_build_object('fileId', ${fileId}::text) WHERE id = ${attempt.outboxId}`.catch((err: unknown) => {
        throw new DeliveryError('transient', 'could not note the upload before sharing it', { cause: err });
      });
    },
  };
}
