import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../meta/graph-client.js';

/**
 * Messenger/Instagram Send API errors → the core's classes, decided on `code` and
 * `error_subcode` (never on the message text). Sources: Meta's "Messenger Platform Common
 * Error Codes" and "Graph API: Handling Errors" pages, and platform-notes.md.
 */

/** "This message is sent outside of allowed window." (code 10, or 200 on some versions). */
const WINDOW_SUBCODES = new Set([2018278, 2534022]);
/** 1545041 "This person isn't available right now"; 2018001 "No matching user found". */
const RECIPIENT_SUBCODES = new Set([1545041, 2018001]);
/** Graph throttling: 4 app, 17 user, 32 page, 613 custom rate limit. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

export function classifyMessengerError(err: unknown, platform = 'Messenger'): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (!(err instanceof GraphError)) return new DeliveryError('unknown', err instanceof Error ? err.message : String(err), { cause: err });
  const { code, error_subcode: sub } = err.error;
  const cls = classOf(code, sub, err.status);
  const label = code === undefined ? `HTTP ${err.status}` : `code ${code}${sub !== undefined ? `/${sub}` : ''}`;
  return new DeliveryError(cls, `${err.error.message ?? `${platform} error`} (${label})`, {
    code: code !== undefined ? String(code) : undefined,
    retryAfterSeconds: err.retryAfterSeconds,
    cause: err,
  });
}

function classOf(code: number | undefined, sub: number | undefined, status: number): DeliveryErrorClass {
  if (code === 190) return 'auth';
  if ((code === 10 || code === 200) && sub !== undefined && WINDOW_SUBCODES.has(sub)) return 'window_closed';
  if (code === 551 || (sub !== undefined && RECIPIENT_SUBCODES.has(sub))) return 'invalid_recipient';
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) return 'rate_limited';
  // 10 and 200–299 are missing permissions; 1/99 is Messenger's "unknown error" that Meta
  // documents as missing permissions too. Retrying cannot fix either.
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299) || (code === 1 && sub === 99)) return 'auth';
  // 100 is a bad parameter (too long, unknown id): the same request fails again.
  if (code === 100) return 'unknown';
  // 1 "API Unknown" and 2 "API Service" are temporary per Graph's error guide.
  if (code === 1 || code === 2 || status >= 500) return 'transient';
  return 'unknown';
}
