import type { AgentFileRef } from '../../src/core/events.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { FileBytes } from '../../src/core/ports.js';
import { downloadCapped } from '../../src/http/download.js';

/** Where Discord serves attachments; the API's own host is added (a local fake serves them itself). */
const DISCORD_FILE_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'];

/** What a bot may upload into a server without boosts (Discord lowered it to 10 MiB in 2024). */
export const DISCORD_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** An agent's attachment: a plain URL (no credentials), streamed and capped. */
export async function downloadAttachment(req: { file: AgentFileRef; maxBytes: number }, opts: { apiUrl: string; timeoutMs?: number }): Promise<FileBytes> {
  if (!req.file.url) throw new DeliveryError('unknown', 'the Discord attachment has no URL');
  return downloadCapped(req.file.url, {
    maxBytes: req.maxBytes,
    allowedHosts: [...DISCORD_FILE_HOSTS, new URL(opts.apiUrl).host],
    timeoutMs: opts.timeoutMs,
    fallbackName: req.file.name,
    fallbackMimeType: req.file.mimeType,
  });
}

/** Refuses, in words the agent reads, a file Discord would not take. */
export function checkUploadSize(file: FileBytes): void {
  if (file.bytes.length > DISCORD_UPLOAD_LIMIT) {
    throw new DeliveryError('unknown', `the file is ${(file.bytes.length / 1024 / 1024).toFixed(1)} MB; Discord takes at most ${DISCORD_UPLOAD_LIMIT / 1024 / 1024} MB from a bot`);
  }
}
