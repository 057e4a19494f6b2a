import type { REST } from 'discord.js';
import type { LearnedLimit, PaceLearner } from '../../src/core/pacer.js';
import { postAllowance } from './rate-buckets.js';

/**
 * discord.js holds a bucket closed until its reset plus an offset (RESTOptions.offset, 50 ms by
 * default) and, with `rejectOnRateLimit`, refuses a call sooner before it leaves: the pacer's hold
 * ends a little after that, so the first post of the new window goes through.
 */
const RESET_MARGIN_MS = 60;
/** The same learned limit is told again after this long (the pacer forgets it after a quiet minute). */
const RETELL_MS = 30_000;

/**
 * Discord answers every call on a limited route with its bucket's X-RateLimit-Limit, -Remaining
 * and -Reset-After (discord-notes §1.10). For the posts into a forum through Ponte's webhook (the
 * bucket the dispatcher paces, rate-buckets.ts), what Discord says wins over the declared guess:
 * the limit over the window (the longest Reset-After seen on a window's first answer, rounded up
 * to 50 ms) becomes the
 * bucket's rate and burst, and a window used up (Remaining 0) or a 429 holds every lane of the
 * forum until its reset, instead of each post finding out from a refusal.
 */
export function learnWebhookLimits(rest: REST, channelOf: (webhookId: string) => string | undefined, learner: PaceLearner, now: () => number = Date.now): void {
  const windows = new Map<string, number>();
  const told = new Map<string, { perSecond: number; burst: number; at: number }>();
  rest.on('response', (request, response) => {
    // A listener that throws would fail the call it listens to.
    try {
      learnFrom(request, response);
    } catch {
      // Nothing learned from this answer.
    }
  });
  function learnFrom(request: { method: string; path: string }, response: { status: number; headers: { get(name: string): string | null } }): void {
    const hook = /^\/webhooks\/(\d+)\/[^/]+$/.exec(request.path)?.[1];
    const forum = request.method.toUpperCase() === 'POST' && hook ? channelOf(hook) : undefined;
    if (!forum) return;
    const header = (name: string) => {
      const v = response.headers.get(name);
      return v === null || v === '' ? NaN : Number(v);
    };
    const limit = header('x-ratelimit-limit');
    const remaining = header('x-ratelimit-remaining');
    const resetAfterMs = header('x-ratelimit-reset-after') * 1000;
    const retryAfterMs = header('retry-after') * 1000;
    const seen: LearnedLimit = {};
    // The first answer of a window tells its length; a later one only what is left of it.
    if (limit >= 1 && remaining === limit - 1 && resetAfterMs > 0) windows.set(forum, Math.max(windows.get(forum) ?? 0, Math.ceil(resetAfterMs / 50) * 50));
    const windowMs = windows.get(forum);
    if (limit >= 1 && windowMs) {
      const last = told.get(forum);
      const perSecond = limit / (windowMs / 1000);
      if (!last || last.perSecond !== perSecond || last.burst !== limit || now() - last.at > RETELL_MS) {
        Object.assign(seen, { perSecond, burst: limit });
        told.set(forum, { perSecond, burst: limit, at: now() });
      }
    }
    const waitMs = Math.max(resetAfterMs || 0, retryAfterMs || 0);
    if ((response.status === 429 || remaining === 0) && waitMs > 0) seen.holdUntil = now() + waitMs + RESET_MARGIN_MS;
    if (Object.keys(seen).length) void learner.learn(postAllowance(forum).bucket, seen);
  }
}
