import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.js';
import type { FileBytes } from '../core/ports.js';

/** Long enough for the platform to fetch the file (Meta fetches at once), short enough not to linger. */
export const PUBLIC_FILE_TTL_MS = 60 * 60 * 1000;

/**
 * Keeps a file to be fetched by a platform that only takes attachments by URL (Instagram) and
 * returns its token. The token is the capability: 256 random bits, unguessable, good until it
 * expires; nothing else about the file or the ticket is in the URL.
 */
export async function storePublicFile(db: Db, file: FileBytes, ttlMs = PUBLIC_FILE_TTL_MS): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db`
    INSERT INTO public_files (token, bytes, mime_type, filename, expires_at)
    VALUES (${token}, ${file.bytes}, ${file.mimeType}, ${file.filename}, ${new Date(Date.now() + ttlMs)})`;
  return token;
}

/** The file behind a token, if it exists and has not expired. */
export async function loadPublicFile(db: Db, token: string): Promise<FileBytes | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const [row] = await db<{ bytes: Buffer; mime_type: string; filename: string }[]>`
    SELECT bytes, mime_type, filename FROM public_files WHERE token = ${token} AND expires_at > now()`;
  return row ? { bytes: row.bytes, mimeType: row.mime_type, filename: row.filename } : undefined;
}

export async function purgeExpiredFiles(db: Db): Promise<number> {
  const rows = await db`DELETE FROM public_files WHERE expires_at < now() RETURNING token`;
  return rows.length;
}

export const publicFileUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/media/${token}`;
