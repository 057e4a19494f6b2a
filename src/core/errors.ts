/**
 * One registry of error codes (fastify lib/errors.js, bolt src/errors.ts). Adapters classify
 * platform failures into DeliveryError; HTTP statuses are mapped only at the edge.
 */

export type DeliveryErrorClass = 'auth' | 'rate_limited' | 'window_closed' | 'invalid_recipient' | 'transient' | 'unknown';

export class DeliveryError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly errorClass: DeliveryErrorClass,
    message: string,
    opts: {
      /** Seconds the platform asked us to wait (HTTP Retry-After). */
      retryAfterSeconds?: number;
      /** Platform error code, kept for the agent-facing explanation. */
      code?: string;
      /**
       * True when the request may have reached the platform (timeout after sending, reset
       * mid-response): resending could duplicate, so the core does not resend a customer message.
       */
      uncertain?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DeliveryError';
    this.retryable = errorClass === 'rate_limited' || errorClass === 'transient';
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.code = opts.code;
    this.uncertain = opts.uncertain ?? false;
  }
  readonly retryAfterSeconds: number | undefined;
  readonly code: string | undefined;
  readonly uncertain: boolean;
}

/** A guarded ticket transition found the ticket in another state (stale click, race). */
export class TransitionRejected extends Error {
  constructor(
    readonly action: string,
    readonly current: { status: string; assigneeName?: string | null },
  ) {
    super(`cannot ${action}: ticket is ${current.status}`);
    this.name = 'TransitionRejected';
  }
}
