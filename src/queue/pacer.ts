import type { Redis } from 'ioredis';
import type { LearnedLimit, PaceRequest, Pacer, Turn } from '../core/pacer.js';
import { within } from '../time-limit.js';

/**
 * KEYS: state (hash: tokens, at, and what was learned: rate, burst), line (sorted set: lane →
 * place), due (hash: lane → when it was told to come back), went (the lane's last turn, a key of
 * its own that expires). ARGV: now ms, lane, since ms, tokens per ms, burst, grace ms, ttl ms,
 * longest look-ahead.
 *
 * The bucket refills at the allowed rate up to `burst`: the declared ones (ARGV), unless the
 * platform said otherwise (the state's rate and burst, set by LEARN). An `at` in the future is a
 * hold: the bucket is empty until then and holds `tokens` from then on. The asking lane joins the line (kept if
 * already there) at its place: the enqueue time of its oldest waiting row, or, if it had a turn
 * since then, the time of that turn. So a lane that just posted goes to the back of the line
 * behind every row already waiting, and a quiet ticket's new message waits for the rows enqueued
 * before it, one per busy ticket at most, never for a whole burst of another ticket's backlog. Lanes ahead of it that were told to come back and did not
 * (their due + grace passed: a worker died, a wake-up was lost) lose their place; they rejoin
 * at the same `since` when they do come. The lane goes when the bucket holds a token for it and
 * for every live lane ahead of it (oldest waiting first); else it is told how long until then.
 * Returns {wait ms, 1 when no live lane is ahead}.
 */
const TURN = `
local now = tonumber(ARGV[1])
local lane = ARGV[2]
local grace = tonumber(ARGV[6])
local ttl = tonumber(ARGV[7])
local st = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'rate', 'burst')
local rate = tonumber(st[3]) or tonumber(ARGV[4])
local burst = tonumber(st[4]) or tonumber(ARGV[5])
local tokens = tonumber(st[1]) or burst
local at = tonumber(st[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local place = math.max(tonumber(ARGV[3]), tonumber(redis.call('GET', KEYS[4])) or 0)
redis.call('ZADD', KEYS[2], 'NX', place, lane)
local rank = redis.call('ZRANK', KEYS[2], lane)
local ahead = 0
if rank > 0 then
  local look = math.min(rank, tonumber(ARGV[8]))
  local before = redis.call('ZRANGE', KEYS[2], 0, look - 1)
  for _, other in ipairs(before) do
    local due = tonumber(redis.call('HGET', KEYS[3], other))
    if due and due + grace < now then
      redis.call('ZREM', KEYS[2], other)
      redis.call('HDEL', KEYS[3], other)
    else
      ahead = ahead + 1
    end
  end
  ahead = ahead + (rank - look)
end
local wait = 0
if at <= now and tokens >= ahead + 1 then
  tokens = tokens - 1
  redis.call('ZREM', KEYS[2], lane)
  redis.call('HDEL', KEYS[3], lane)
  redis.call('SET', KEYS[4], now, 'PX', ttl)
else
  wait = math.max(5, (at - now) + math.ceil(math.max(0, ahead + 1 - tokens) / rate))
  redis.call('HSET', KEYS[3], lane, now + wait)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
if ahead == 0 then return {wait, 1} end
return {wait, 0}`;

/**
 * KEYS: state. ARGV: now ms, learned tokens per ms (or ''), learned burst (or ''), held until
 * ms (or ''), ttl ms. What the platform said replaces the declared rate and burst for as long as
 * the bucket is in use (the state expires after a quiet spell: back to the declared guess). A
 * hold empties the bucket until then, when it is full again (the platform's window reopens);
 * a hold never shortens a longer one.
 */
const LEARN = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local hold = tonumber(ARGV[4])
if rate and rate > 0 then redis.call('HSET', KEYS[1], 'rate', tostring(rate)) end
if burst and burst >= 1 then
  redis.call('HSET', KEYS[1], 'burst', tostring(burst))
  local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
  if tokens and tokens > burst then redis.call('HSET', KEYS[1], 'tokens', tostring(burst)) end
end
if hold and hold > now then
  local at = tonumber(redis.call('HGET', KEYS[1], 'at')) or 0
  if hold > at then
    redis.call('HSET', KEYS[1], 'at', tostring(hold))
    redis.call('HDEL', KEYS[1], 'tokens')
  end
end
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), (hold or now) - now + tonumber(ARGV[5])))
return 1`;

const GO: Turn = { waitMs: 0, next: true };

/** A Redis that does not answer must not hold a worker: the post goes unpaced (the rate gate still guards). */
const REDIS_TIMEOUT_MS = 1000;

export interface RedisPacerOptions {
  /** Keys live under `<prefix>:pace:` (PONTE_QUEUE_PREFIX). */
  prefix: string;
  /** A lane that does not come back this long after it was told to loses its place (ms). */
  graceMs?: number;
  /** The clock (ms since the epoch); tests drive it by hand. */
  now?: () => number;
}

/**
 * The pacer on Redis: one atomic script per turn. Redis is only an optimisation here, like the
 * rate gate: if it loses the keys the bucket starts full and the line empty, and if it cannot be
 * reached every post goes at once (today's behaviour, with the gate). The rows in Postgres stay
 * the truth; nothing waits on Redis to be delivered.
 */
export class RedisPacer implements Pacer {
  private readonly now: () => number;
  private readonly grace: number;
  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisPacerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.grace = opts.graceMs ?? 3000;
  }

  async turn(req: PaceRequest): Promise<Turn> {
    const { bucket, perSecond, burst } = req.allowance;
    if (!(perSecond > 0)) return GO;
    const base = `${this.opts.prefix}:pace:${bucket}`;
    const ttl = Math.max(60_000, Math.ceil((burst / perSecond) * 1000) * 4);
    try {
      const [wait, next] = (await within(
        this.redis.eval(TURN, 4, base, `${base}:line`, `${base}:due`, `${base}:went:${req.lane}`, this.now(), req.lane, req.since, perSecond / 1000, Math.max(1, burst), this.grace, ttl, 500),
        REDIS_TIMEOUT_MS,
        'the pacer',
      )) as [number, number];
      return { waitMs: Number(wait) || 0, next: next === 1 };
    } catch {
      return GO;
    }
  }

  /** What the platform said about a bucket (a bridge tells it); lost quietly if Redis does not answer. */
  async learn(bucket: string, seen: LearnedLimit): Promise<void> {
    const base = `${this.opts.prefix}:pace:${bucket}`;
    const rate = seen.perSecond && seen.perSecond > 0 ? seen.perSecond / 1000 : '';
    const burst = seen.burst && seen.burst >= 1 ? seen.burst : '';
    await within(this.redis.eval(LEARN, 1, base, this.now(), rate, burst, seen.holdUntil ?? '', 60_000), REDIS_TIMEOUT_MS, 'the pacer').catch(() => {});
  }
}
