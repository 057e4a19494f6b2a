/**
 * A shared gate per rate-limit bucket, so that every worker waits for a platform's limit as a
 * whole instead of each lane hammering it on its own. The adapter knows its buckets (a channel,
 * a method, a route); the core only knows that a bucket may be closed for a while.
 */
export interface RateGate {
  /**
   * How long to wait before calling into `bucket` (ms), or 0 to go now. A caller told to wait
   * should not call; callers told to wait are given staggered times, so they do not all come
   * back at the same instant.
   */
  wait(bucket: string): Promise<number>;
  /** The platform answered "rate limited, retry after `ms`": nobody calls `bucket` until then. */
  close(bucket: string, ms: number): Promise<void>;
}

/** No shared state: every call goes (a single process without Redis, or tests of an adapter). */
export const OPEN_GATE: RateGate = {
  wait: async () => 0,
  close: async () => {},
};
