/**
 * Paces posts into a rate-limited destination instead of hitting its limit: a token bucket per
 * destination (the bridge names the bucket and its allowance), shared by every worker, with the
 * lanes waiting on a bucket served oldest first. A lane's place is the enqueue time of its
 * oldest waiting row, so a chatty ticket's 50th message waits behind a quiet ticket's first
 * one, whoever happened to ask first. The core only knows buckets and allowances; the bridge
 * knows which platform limit a post counts against (`AgentBridge.postAllowance`).
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

export interface Pacer {
  /**
   * 0: the lane has its turn and a token was taken for it, post now. Otherwise the ms to wait
   * before asking again (the lane keeps its place meanwhile).
   */
  turn(req: PaceRequest): Promise<number>;
}

/** No pacing: every post goes at once (no Redis, or PONTE_PACING=off: the rate gate alone). */
export const UNPACED: Pacer = { turn: async () => 0 };
