// Discord's per-route rate limits, played by the fake: a fixed window per route and major
// parameter (a channel, a webhook), as the X-RateLimit-* headers describe them. Every answer on a
// limited route carries the headers (so discord.js learns the bucket, as it does from Discord),
// and a request over the limit is answered 429 with Retry-After and `retry_after`, not performed.

/** One limited route: `limit` requests per `windowMs` for each value of its major parameter. */
export interface RouteLimit { route: string; major: string; limit: number; windowMs: number }

/** Observed on Discord (discord-notes §6, §7): a webhook takes 5 per 2 s; a channel 5 messages per 5 s. */
export const REAL_DISCORD_LIMITS: RouteLimit[] = [
  { route: 'POST /webhooks/{webhook_id}/{webhook_token}', major: 'webhook_id', limit: 5, windowMs: 2000 },
  { route: 'POST /channels/{channel_id}/messages', major: 'channel_id', limit: 5, windowMs: 5000 },
];

export interface LimitVerdict { allowed: boolean; headers: Record<string, string>; retryAfter: number }

export class RouteLimits {
  private limits: RouteLimit[] = [];
  private readonly windows = new Map<string, { start: number; used: number }>();
  /** Requests answered 429 by a limit, by route. */
  readonly limited = new Map<string, number>();

  set(limits: RouteLimit[] | null): void {
    this.limits = limits ?? [];
    this.windows.clear();
  }

  /** Counts the request against its route's window; undefined when the route is not limited. */
  admit(route: string, params: Record<string, string>, now = Date.now()): LimitVerdict | undefined {
    const l = this.limits.find((x) => x.route === route);
    if (!l) return undefined;
    const key = `${route} ${params[l.major] ?? ''}`;
    let w = this.windows.get(key);
    if (!w || now - w.start >= l.windowMs) this.windows.set(key, (w = { start: now, used: 0 }));
    const resetAfter = (w.start + l.windowMs - now) / 1000;
    const allowed = w.used < l.limit;
    if (allowed) w.used += 1;
    else this.limited.set(route, (this.limited.get(route) ?? 0) + 1);
    return {
      allowed,
      retryAfter: resetAfter,
      headers: {
        'x-ratelimit-limit': String(l.limit),
        'x-ratelimit-remaining': String(l.limit - w.used),
        'x-ratelimit-reset': ((w.start + l.windowMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter.toFixed(3),
        'x-ratelimit-bucket': Buffer.from(key).toString('hex').slice(0, 32),
        ...(allowed ? {} : { 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' }),
      },
    };
  }
}
