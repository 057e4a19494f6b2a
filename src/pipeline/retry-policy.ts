import type { OutboxKind } from './outbox.js';
import { backoffMs } from './backoff.js';

/**
 * How long a row keeps trying when the trouble is transient (5xx, timeouts, a network error),
 * per kind, in one place. Rate limits are not in here: they never count as an attempt
 * (see rateLimitDelayMs), whatever the kind.
 */
export interface RetryPolicy {
  /** Attempts before the row gives up and the agent is told. */
  maxAttempts: number;
  /** The wait after failed attempt `n` (1-based), before jitter; the last entry repeats. */
  scheduleMs?: readonly number[];
}

/** Most rows: retried for about an hour (exponential backoff, capped at 5 minutes). */
export const DEFAULT_POLICY: RetryPolicy = { maxAttempts: 25 };

/**
 * A file that will not download (a customer's from the channel's CDN, an agent's from their
 * platform) holds its whole lane: a few quick tries over about a minute, then the file's notice
 * with the reason, and the conversation moves on (guarantee 8).
 */
export const FILE_POLICY: RetryPolicy = { maxAttempts: 4, scheduleMs: [5_000, 15_000, 40_000] };

const BY_KIND: Partial<Record<OutboxKind, RetryPolicy>> = {
  'media.mirror': FILE_POLICY,
  'customer.media': FILE_POLICY,
};

export function retryPolicyFor(kind: OutboxKind): RetryPolicy {
  return BY_KIND[kind] ?? DEFAULT_POLICY;
}

/**
 * The wait after failed attempt `attempt` under `policy`. A platform's Retry-After on a
 * transient answer (a 503 that names one) wins. A schedule gets ±20% jitter so lanes that
 * failed together do not come back together.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number, random = Math.random): number {
  if (!policy.scheduleMs?.length || (retryAfterSeconds !== undefined && retryAfterSeconds >= 0)) return backoffMs(attempt, retryAfterSeconds, random);
  const base = policy.scheduleMs[Math.min(attempt, policy.scheduleMs.length) - 1]!;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Used when a rate-limit answer names no Retry-After. */
const RATE_LIMIT_DEFAULT_MS = 5_000;

/**
 * A rate-limited row comes back after the platform's Retry-After (or the gate's time, which
 * already staggers waiters), plus a little jitter: up to 10%, at least 20 ms, at most 500 ms.
 */
export function rateLimitDelayMs(retryAfterSeconds: number | undefined, random = Math.random): number {
  const base = retryAfterSeconds !== undefined && retryAfterSeconds >= 0 ? Math.ceil(retryAfterSeconds * 1000) : RATE_LIMIT_DEFAULT_MS;
  return base + Math.floor(random() * Math.min(500, Math.max(20, base * 0.1)));
}

/**
 * The job id of a lane's wake-up for a row's retry. It names the time, not only the attempt: a
 * rate-limited row is rescheduled with the same attempt count, and BullMQ ignores a job whose
 * id is still present (the job that is running right now), which would lose the wake-up.
 */
export const retryWakeId = (lane: string, rowId: string, attempts: number, at: Date) => `retry-${lane}-${rowId}-${attempts}-${at.getTime()}`;
