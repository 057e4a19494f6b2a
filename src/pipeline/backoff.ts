/** Exponential backoff with full jitter, capped at 5 minutes; a platform's Retry-After wins. */
export function backoffMs(attempt: number, retryAfterSeconds?: number, random = Math.random): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) return Math.ceil(retryAfterSeconds * 1000);
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.min(attempt - 1, 16));
  return Math.max(250, Math.floor(random() * ceiling));
}
