import type { WebClient } from '@slack/web-api';
import type { FoundPost, PostKey, PostPlace } from '../../src/core/ports.js';
import { classifySlackError } from './errors.js';
import { messageId, postKeyOf, tsFromDate } from './ids.js';

/** Slack's advice for paged conversation reads: at most 200 per page. */
const PAGE = 200;

interface Listed {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * Finds the message Ponte posted with `key`: in a thread with conversations.replies, at the top of a
 * channel (a ticket card, an announcement) with conversations.history, both with include_all_metadata
 * (without it Slack leaves metadata out) and from `oldest` on, paging until the end. Both are Tier 3
 * methods: the core calls this only when an earlier attempt's outcome is unknown.
 */
export async function findPost(client: WebClient, req: { where: PostPlace; key: PostKey; since: Date }): Promise<FoundPost | undefined> {
  const oldest = tsFromDate(req.since);
  const channel = 'thread' in req.where ? req.where.thread.containerId : req.where.destination;
  let cursor: string | undefined;
  do {
    const page = await readPage(client, req.where, oldest, cursor).catch((err: unknown) => {
      // A thread whose parent is gone holds no post of ours: posting again is what is left.
      if ((err as { data?: { error?: string } }).data?.error === 'thread_not_found') return EMPTY;
      throw classifySlackError(err);
    });
    const hit = (page.messages ?? []).find((m) => m.ts && postKeyOf(m) === req.key);
    if (hit?.ts) {
      return { externalId: messageId(channel, hit.ts), ...('destination' in req.where ? { opens: { containerId: channel, threadId: hit.ts } } : {}) };
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return undefined;
}

interface Page {
  messages?: Listed[];
  response_metadata?: { next_cursor?: string };
}

const EMPTY: Page = {};

async function readPage(
  client: WebClient,
  where: PostPlace,
  oldest: string,
  cursor: string | undefined,
): Promise<Page> {
  const paging = { oldest, limit: PAGE, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
  if ('thread' in where) return client.conversations.replies({ channel: where.thread.containerId, ts: where.thread.threadId, ...paging });
  return client.conversations.history({ channel: where.destination, ...paging });
}
