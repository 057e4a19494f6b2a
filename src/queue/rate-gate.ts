import type { Redis } from 'ioredis';
import type { RateGate } from '../core/rate-gate.js';
import { within } from '../time-limit.js';

/**
 * KEYS: gate, hot, queue. ARGV: spacing ms.
 * Cool (no closing within the last while; `hot` outlives every closing, see CLOSE): go. This is
 * nearly every call, and it costs one read (docs/performance.md).
 * Closed gate: the caller takes the next place among those who found it closed this time, and
 * is told to come back when it opens plus its place × spacing, so the waiters return one by one
 * instead of as a herd. The places start again from 1 each time the gate opens.
 * Open but hot: the caller takes the turn, holding the gate for `spacing`, so callers keep
 * arriving one at a time while the bucket is known to be busy.
 */
const WAIT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
local spacing = tonumber(ARGV[1])
if ttl > 0 then
  local place = redis.call('INCR', KEYS[3])
  if place == 1 then redis.call('PEXPIRE', KEYS[3], ttl) end
  return ttl + (place - 1) * spacing
end
redis.call('SET', KEYS[1], '1', 'PX', spacing)
return 0`;

/**
 * KEYS: gate, hot, queue. ARGV: ms, hot ms. A longer closing already in place is kept, and the
 * bucket stays hot at least as long as it stays closed (WAIT reads `hot` first).
 */
const CLOSE = `
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  redis.call('DEL', KEYS[3])
  left = ms
end
redis.call('SET', KEYS[2], '1', 'PX', math.max(tonumber(ARGV[2]), left))
return 1`;

/** A Redis that does not answer (reconnecting: commands queue) must not hold a worker: the gate opens. */
const REDIS_TIMEOUT_MS = 1000;

export interface RedisRateGateOptions {
  /** Keys live under `<prefix>:gate:` (PONTE_QUEUE_PREFIX, so deployments sharing a Redis do not mix). */
  prefix: string;
  /** Between two callers of a busy bucket, and between waiters coming back (ms). */
  spacingMs?: number;
  /** How long a bucket stays busy (paced) after its last rate-limit answer (ms). */
  hotMs?: number;
}

/**
 * The gate on Redis. Redis is only an optimisation here: if it loses a key, or cannot be
 * reached, the gate opens, and the worst that happens is one more rate-limit answer (which
 * closes it again). Nothing is lost: the outbox row in Postgres is the truth.
 */
export class RedisRateGate implements RateGate {
  private readonly spacing: number;
  private readonly hot: number;
  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisRateGateOptions,
  ) {
    this.spacing = opts.spacingMs ?? 250;
    this.hot = opts.hotMs ?? 30_000;
  }

  async wait(bucket: string): Promise<number> {
    try {
      return Number(await within(this.redis.eval(WAIT, 3, ...this.keys(bucket), this.spacing), REDIS_TIMEOUT_MS, 'the rate gate'));
    } catch {
      return 0;
    }
  }

  async close(bucket: string, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await within(this.redis.eval(CLOSE, 3, ...this.keys(bucket), Math.ceil(ms), Math.max(this.hot, Math.ceil(ms) * 2)), REDIS_TIMEOUT_MS, 'the rate gate').catch(() => {});
  }

  private keys(bucket: string): [string, string, string] {
    const base = `${this.opts.prefix}:gate:${bucket}`;
    return [base, `${base}:hot`, `${base}:queue`];
  }
}
