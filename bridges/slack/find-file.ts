import type { WebClient } from '@slack/web-api';
import type { FoundPost, ThreadRef } from '../../src/core/ports.js';
import { classifySlackError } from './errors.js';
import { fileExternalId } from './ids.js';

/** One place a file is shared, as files.info lists it under `shares.public|private[channel]`. */
interface Share {
  ts?: string;
  thread_ts?: string;
}

/** Slack has no file by that id (an upload never completed, or one since removed): nothing was shared. */
const NOT_THERE = new Set(['file_not_found', 'file_deleted']);

/**
 * Whether a file Ponte uploaded (files v2) was shared into `thread`: files.info lists a file's shares
 * per channel, public and private, each with its `ts` and, for a reply, its `thread_ts`. Found: the
 * file's link, as postFile returns it. An upload that was never completed has no share (or no file).
 * files.info is a Tier 4 method; the core calls this only when an earlier attempt's outcome is unknown.
 */
export async function findFile(client: WebClient, req: { fileId: string; thread: ThreadRef }): Promise<FoundPost | undefined> {
  const info = await client.files.info({ file: req.fileId }).catch((err: unknown) => {
    if (NOT_THERE.has((err as { data?: { error?: string } }).data?.error ?? '')) return undefined;
    throw classifySlackError(err);
  });
  const shares = info?.file?.shares;
  const inChannel: Share[] = [...(shares?.public?.[req.thread.containerId] ?? []), ...(shares?.private?.[req.thread.containerId] ?? [])];
  return inChannel.some((s) => s.thread_ts === req.thread.threadId) ? { externalId: fileExternalId(req.fileId) } : undefined;
}
