import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';

/** Discord JSON error codes (topics/opcodes-and-status-codes) → the core's classes. */
const BY_CODE: Record<number, DeliveryErrorClass> = {
  0: 'unknown',
  10003: 'invalid_recipient', // Unknown Channel (the forum or post was deleted)
  10008: 'invalid_recipient', // Unknown Message
  10015: 'invalid_recipient', // Unknown Webhook (the bridge recreates it first)
  50001: 'auth', // Missing Access
  50013: 'auth', // Missing Permissions
  40058: 'invalid_recipient', // cannot send in a forum channel directly
  160005: 'invalid_recipient', // thread locked
  160006: 'transient', // too many active threads: archiving others frees room
};

/**
 * A failed Discord call → a classified DeliveryError. The REST client is built with
 * `rejectOnRateLimit` and no retries, so a 429 (or a bucket known to be empty) arrives here as
 * a RateLimitError with its wait, and the outbox reschedules instead of a worker sleeping.
 */
export function classifyDiscordError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) {
    const seconds = Math.max(err.retryAfter, err.timeToReset, 0) / 1000;
    return new DeliveryError('rate_limited', `Discord rate limit on ${err.route} (retry after ${seconds.toFixed(1)} s)`, { retryAfterSeconds: seconds, cause: err });
  }
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : 0;
    const byStatus: DeliveryErrorClass =
      err.status === 401 || err.status === 403 ? 'auth' : err.status === 429 ? 'rate_limited' : err.status >= 500 || err.status === 408 ? 'transient' : 'unknown';
    const errorClass = BY_CODE[code] ?? byStatus;
    return new DeliveryError(err.status === 401 ? 'auth' : errorClass, `Discord refused (${err.status} ${code}): ${err.message}`, { code: String(code), cause: err });
  }
  if (err instanceof HTTPError) {
    const transient = err.status >= 500 || err.status === 408;
    // A 5xx may come after Discord acted (a gateway timeout): resending could duplicate.
    return new DeliveryError(transient ? 'transient' : 'unknown', `Discord HTTP ${err.status}`, { cause: err, uncertain: transient && err.status !== 503 });
  }
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new DeliveryError('transient', 'Discord did not answer in time', { cause: err, uncertain: true });
  }
  const sys = e?.code ?? e?.cause?.code;
  if (sys === 'ECONNREFUSED' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'UND_ERR_CONNECT_TIMEOUT') {
    return new DeliveryError('transient', `Discord unreachable (${sys})`, { cause: err });
  }
  if (sys === 'ECONNRESET' || sys === 'UND_ERR_SOCKET') return new DeliveryError('transient', `Discord connection lost (${sys})`, { cause: err, uncertain: true });
  return new DeliveryError('unknown', err instanceof Error ? err.message : String(err), { cause: err });
}

/** The Discord error code of a failed call, when it is one. */
export function discordCode(err: unknown): number | undefined {
  const cause = err instanceof DeliveryError ? err.cause : err;
  return cause instanceof DiscordAPIError && typeof cause.code === 'number' ? cause.code : undefined;
}
