/**
 * Paces posts into a rate-limited destination instead of hitting its limit: a token bucket per
 * destination (the bridge names the bucket and its allowance), shared by every worker, with the
 * lanes waiting on a bucket served oldest first. A lane's place is the enqueue time of its
 * oldest waiting row, so a chatty ticket's 50th message waits behind a quiet ticket's first
 * one, whoever happened to ask first. The core only knows buckets and allowances; the bridge
 * knows which platform limit a post counts against (`AgentBridge.postAllowance`, the starting
 * guess) and tells the pacer what the platform says about it (`PaceLearner`, which wins).
 */
export interface PostAllowance {
  /** The platform's bucket, as the bridge names it (e.g. one per channel). */
  bucket: string;
  /** Sustained rate the platform allows into the bucket. */
  perSecond: number;
  /** How many may go at once after a quiet spell (the bucket's size). */
  burst: number;
}

export interface PaceRequest {
  allowance: PostAllowance;
  /** The lane asking (one ticket's agent side). */
  lane: string;
  /** When the lane's oldest waiting row was enqueued (ms since the epoch): its place in line. */
  since: number;
}

export interface Turn {
  /**
   * 0: the lane has its turn and a token was taken for it, post now. Otherwise the ms to wait
   * before asking again (the lane keeps its place meanwhile).
   */
  waitMs: number;
  /** No lane is ahead of this one: the wait is only for the bucket itself (a refill, a hold). */
  next: boolean;
}

/**
 * What the platform said about a bucket, which wins over the declared allowance: its own limit
 * (e.g. Discord's X-RateLimit-Limit over the window it resets in), and that it is empty until a
 * time (a 429's Retry-After, or Remaining 0 until its reset): every lane of the bucket waits until
 * then, instead of each finding out with a refusal; then the bucket is full again.
 */
export interface LearnedLimit {
  perSecond?: number;
  burst?: number;
  /** Empty until then (ms since the epoch). */
  holdUntil?: number;
}

/** Told by a bridge what the platform said about a bucket (fire and forget: it never throws). */
export interface PaceLearner {
  learn(bucket: string, seen: LearnedLimit): Promise<void>;
}

export interface Pacer extends PaceLearner {
  turn(req: PaceRequest): Promise<Turn>;
}

/** No pacing: every post goes at once (no Redis, or PONTE_PACING=off: the rate gate alone). */
export const UNPACED: Pacer = { turn: async () => ({ waitMs: 0, next: true }), learn: async () => {} };
