import { DeliveryError } from '../core/errors.js';
import { FileTooLarge, type FileBytes } from '../core/ports.js';

export interface DownloadOptions {
  /**
   * Sent as `Authorization: Bearer …` (WhatsApp media URLs need the same token as the API), and
   * only to the URL's own origin: a redirect to any other origin is followed without it.
   */
  token?: string;
  maxBytes: number;
  /** Host names (and their subdomains) the URL and every redirect may point at. */
  allowedHosts: readonly string[];
  /**
   * Hosts (`name` or `name:port`, exactly) that may also be reached over plain http, such as the
   * host of `META_GRAPH_URL` when it is a local fake. Loopback is always allowed over http.
   */
  httpHosts?: readonly string[];
  timeoutMs?: number;
  /** Used when the answer names no type / the URL no file name. */
  fallbackMimeType?: string;
  fallbackName?: string;
}

/** Redirects followed before a download gives up: Meta's and Slack's file hosts need one at most. */
export const MAX_REDIRECTS = 3;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Whether `url` is https on one of `hosts` or a subdomain; plain http only on loopback (local
 * fakes) or on one of `httpHosts`, which must match exactly.
 */
export function isAllowedUrl(url: string, hosts: readonly string[], httpHosts: readonly string[] = []): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = u.host.toLowerCase();
  const hostname = u.hostname.toLowerCase();
  const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  const plainOk = loopback || httpHosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && plainOk)) return false;
  return [...hosts, ...httpHosts].some((h) => host === h || hostname === h || hostname.endsWith(`.${h}`));
}

/**
 * Downloads a file into memory, streamed and stopped as soon as it passes `maxBytes` (the
 * declared Content-Length is checked first, but a lying or absent one cannot get past the
 * counter). The URL and each redirect (at most MAX_REDIRECTS, followed here, never by fetch)
 * must be on an allowed host, and the bearer token goes only to the first URL's origin.
 * Failures are classified like sends: network trouble and 5xx are transient (the outbox
 * retries), 4xx, refused hosts and redirect loops are not, an oversized file is FileTooLarge.
 */
export async function downloadCapped(url: string, opts: DownloadOptions): Promise<FileBytes> {
  const origin = originOf(url);
  let current = url;
  for (let hop = 0; ; hop += 1) {
    if (!isAllowedUrl(current, opts.allowedHosts, opts.httpHosts)) {
      throw new DeliveryError('unknown', `media URL host is not allowed: ${safeHost(current)}`);
    }
    const res = await request(current, opts.token && originOf(current) === origin ? opts.token : undefined, opts.timeoutMs);
    if (!REDIRECTS.has(res.status)) return readBody(res, current, opts);
    const next = res.headers.get('location');
    await res.body?.cancel();
    if (!next) throw new DeliveryError('unknown', `media download answered ${res.status} without a location`);
    if (hop >= MAX_REDIRECTS) throw new DeliveryError('unknown', `media download was redirected more than ${MAX_REDIRECTS} times`);
    current = new URL(next, current).toString();
  }
}

async function request(url: string, token: string | undefined, timeoutMs: number | undefined): Promise<Response> {
  try {
    return await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs ?? 60_000),
    });
  } catch (err) {
    throw new DeliveryError('transient', `media download failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'network error'}`, { cause: err });
  }
}

async function readBody(res: Response, url: string, opts: DownloadOptions): Promise<FileBytes> {
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

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
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
