import type { WebClient } from '@slack/web-api';
import type { AgentFileRef } from '../../src/core/events.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { FileBytes, ThreadRef } from '../../src/core/ports.js';
import { downloadCapped } from '../../src/http/download.js';
import { slackCapabilities } from './capabilities.js';
import { classifySlackError } from './errors.js';
import { fileExternalId } from './ids.js';
import { escapeForSlack } from './mrkdwn.js';

/** Where Slack serves `url_private(_download)` (and, in production, slack.com itself). */
export const SLACK_FILE_HOSTS = ['files.slack.com'] as const;

/**
 * Uploads a file into a thread with Slack's files v2 flow: files.getUploadURLExternal → POST the
 * bytes to `upload_url` → files.completeUploadExternal with the channel and thread. WebClient's
 * filesUploadV2 runs the three steps with the client's own settings (no retries, rate limits
 * rejected), so a failure at any step surfaces once and the outbox decides. A customer's file
 * comes with their name in front of the caption, since a file share cannot carry a username.
 * Returns `file:F…` (see ids.ts): Slack shares the file in a message it posts later.
 */
export async function uploadToThread(
  client: WebClient,
  req: { thread: ThreadRef; file: FileBytes; comment?: string; authorName?: string },
): Promise<{ externalId: string }> {
  const comment = initialComment(req.comment, req.authorName);
  const res = await client
    .filesUploadV2({
      channel_id: req.thread.containerId,
      thread_ts: req.thread.threadId,
      file: req.file.bytes,
      filename: req.file.filename || 'file',
      ...(comment ? { initial_comment: comment } : {}),
    })
    .catch((err: unknown) => {
      throw classifySlackError(err);
    });
  const id = res.files[0]?.files?.[0]?.id;
  if (!id) throw new DeliveryError('unknown', 'files.completeUploadExternal answered without a file id');
  return { externalId: fileExternalId(id) };
}

function initialComment(comment: string | undefined, authorName: string | undefined): string | undefined {
  // Both are the customer's words: escaped so they cannot ping @channel or forge links.
  const words = comment?.trim() ? escapeForSlack(comment.trim()) : '';
  const name = authorName?.trim() ? escapeForSlack(authorName.trim().slice(0, 80)) : '';
  const text = name ? `${name}: ${words}`.trimEnd() : words;
  return text ? text.slice(0, slackCapabilities.maxTextLength) : undefined;
}

/**
 * Downloads an agent's file with the bot token, streamed and capped. Only from Slack's file hosts
 * or the configured API host (`apiUrl`; a local fake in tests). A token without files:read gets
 * Slack's sign-in page (200, text/html) instead of the file: that is an auth failure, explained.
 * A file shared from another workspace has no URL in the event: files.info gives it.
 */
export async function downloadFile(
  client: WebClient,
  opts: { token: string; apiUrl: string; timeoutMs?: number },
  req: { file: AgentFileRef; maxBytes: number },
): Promise<FileBytes> {
  const url = req.file.url || (await urlFromFilesInfo(client, req.file.id));
  const got = await downloadCapped(url, {
    token: opts.token,
    maxBytes: req.maxBytes,
    allowedHosts: [...SLACK_FILE_HOSTS, new URL(opts.apiUrl).host],
    timeoutMs: opts.timeoutMs,
    fallbackName: req.file.name,
    fallbackMimeType: req.file.mimeType,
  });
  if (got.mimeType === 'text/html' && req.file.mimeType !== 'text/html') {
    throw new DeliveryError('auth', 'Slack answered its sign-in page instead of the file: the Slack app needs the files:read scope (add it and reinstall the app)', { code: 'missing_scope' });
  }
  return got;
}

async function urlFromFilesInfo(client: WebClient, fileId: string): Promise<string> {
  if (!fileId) throw new DeliveryError('unknown', 'the Slack file has neither a URL nor an id');
  const info = await client.files.info({ file: fileId }).catch((err: unknown) => {
    throw classifySlackError(err);
  });
  const url = info.file?.url_private_download || info.file?.url_private;
  if (!url) throw new DeliveryError('unknown', 'Slack gives no download link for this file');
  return url;
}
