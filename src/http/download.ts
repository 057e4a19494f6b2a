import { DeliveryError } from '../core/errors.js';
import { FileTooLarge, type FileBytes } from '../core/ports.js';

export interface DownloadOptions {
  /** Sent as `Authorization: Bearer …` (WhatsApp media URLs need the same token as the API). */
  token?: string;
  maxBytes: number;
  /**
   * Host names (and their subdomains) the URL may point at; undefined → any host, which is
   * only for URLs the Graph API itself returned.
   */
  allowedHosts?: readonly string[];
  timeoutMs?: number;
  /** Used when the answer names no type / the URL no file name. */
  fallbackMimeType?: string;
  fallbackName?: string;
}

/** Whether `url` is https (or loopback http, for local fakes) on one of `hosts` or a subdomain. */
export function isAllowedUrl(url: string, hosts: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = u.host.toLowerCase();
  const hostname = u.hostname.toLowerCase();
  const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return false;
  return hosts.some((h) => host === h || hostname === h || hostname.endsWith(`.${h}`));
}

/**
 * Downloads a file into memory, streamed and stopped as soon as it passes `maxBytes` (the
 * declared Content-Length is checked first, but a lying or absent one cannot get past the
 * counter). Failures are classified like sends: network trouble and 5xx are transient (the
 * outbox retries), 4xx and refused hosts are not, an oversized file is FileTooLarge.
 */
export async function downloadCapped(url: string, opts: DownloadOptions): Promise<FileBytes> {
  if (opts.allowedHosts && !isAllowedUrl(url, opts.allowedHosts)) {
    throw new DeliveryError('unknown', `media URL host is not allowed: ${safeHost(url)}`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      redirect: opts.allowedHosts ? 'manual' : 'follow',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
  } catch (err) {
    throw new DeliveryError('transient', `media download failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'network error'}`, { cause: err });
  }
  if (res.status >= 300 && res.status < 400) {
    // A redirect could leave the allowed hosts: follow it only if its target is allowed too.
    const next = res.headers.get('location');
    await res.body?.cancel();
    if (!next) throw new DeliveryError('unknown', `media download answered ${res.status} without a location`);
    return downloadCapped(new URL(next, url).toString(), opts);
  }
  if (!res.ok) {
    await res.body?.cancel();
    const cls = res.status === 429 || res.status >= 500 ? 'transient' : res.status === 401 || res.status === 403 ? 'auth' : 'unknown';
    throw new DeliveryError(cls, `media download answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel();
    throw new FileTooLarge(opts.maxBytes, declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > opts.maxBytes) throw new FileTooLarge(opts.maxBytes, undefined);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof FileTooLarge) throw err;
    throw new DeliveryError('transient', 'media download was cut off', { cause: err });
  }
  const mimeType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim() || opts.fallbackMimeType || 'application/octet-stream';
  return { bytes: Buffer.concat(chunks, size), mimeType, filename: opts.fallbackName ?? nameFromUrl(url) ?? 'file' };
}

function nameFromUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last && /\.[a-z0-9]{2,5}$/i.test(last) ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** The host only, for messages and logs (media URLs carry signed query strings). */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
