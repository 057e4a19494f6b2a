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

/** What the upload of the bytes needs besides the client: they go to `upload_url`, outside the Web API. */
export interface UploadAuth {
  token: string;
  timeoutMs: number;
}

/**
 * Uploads a file into a thread with Slack's files v2 flow, one step at a time:
 * files.getUploadURLExternal → POST the bytes to `upload_url` → files.completeUploadExternal with
 * the channel and thread. Run here rather than with WebClient's filesUploadV2 so the file id can be
 * handed to `remember` before the completion shares it: a completion whose answer is lost (a 5xx
 * after the work, a dropped connection) can then be looked up with files.info (findFile) instead
 * of uploading again. A failure at any step surfaces once, classified, and the outbox decides.
 * A customer's file comes with their name in front of the caption, since a file share cannot carry
 * a username. Returns `file:F…` (see ids.ts): Slack shares the file in a message it posts later.
 */
export async function uploadToThread(
  client: WebClient,
  auth: UploadAuth,
  req: { thread: ThreadRef; file: FileBytes; comment?: string; authorName?: string; remember?: (fileId: string) => Promise<void> },
): Promise<{ externalId: string }> {
  const filename = req.file.filename || 'file';
  const target = await client.files.getUploadURLExternal({ filename, length: req.file.bytes.length }).catch(rethrowClassified);
  if (!target.upload_url || !target.file_id) throw new DeliveryError('unknown', 'files.getUploadURLExternal answered without an upload URL');
  // Before anything can be shared: an attempt that never learns the outcome finds the file by this id.
  await req.remember?.(target.file_id);
  await sendBytes(target.upload_url, req.file.bytes, auth);
  const comment = initialComment(req.comment, req.authorName);
  await client.files
    .completeUploadExternal({
      files: [{ id: target.file_id, title: filename }],
      channel_id: req.thread.containerId,
      thread_ts: req.thread.threadId,
      ...(comment ? { initial_comment: comment } : {}),
    })
    .catch(rethrowClassified);
  return { externalId: fileExternalId(target.file_id) };
}

/**
 * The bytes, to the `upload_url` Slack gave (raw, as its reference allows), with the bot token.
 * Anything but 200 means Slack does not have them: completing would answer file_not_found.
 */
async function sendBytes(url: string, bytes: Buffer, auth: UploadAuth): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
      redirect: 'error',
      signal: AbortSignal.timeout(auth.timeoutMs),
    });
    await res.arrayBuffer();
  } catch (err) {
    throw new DeliveryError('transient', 'Slack file upload unreachable', { cause: err });
  }
  if (res.status !== 200) {
    throw new DeliveryError(res.status >= 500 || res.status === 408 ? 'transient' : 'unknown', `Slack file upload HTTP ${res.status}`);
  }
}

const rethrowClassified = (err: unknown): never => {
  throw classifySlackError(err);
};

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
