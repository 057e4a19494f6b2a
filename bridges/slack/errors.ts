import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';

/** Slack `{ok:false, error}` codes → the core's classes. Unlisted codes are 'unknown' (not retried). */
const BY_ERROR: Record<string, DeliveryErrorClass> = {
  invalid_auth: 'auth',
  not_authed: 'auth',
  account_inactive: 'auth',
  token_revoked: 'auth',
  token_expired: 'auth',
  missing_scope: 'auth',
  channel_not_found: 'invalid_recipient',
  not_in_channel: 'invalid_recipient',
  is_archived: 'invalid_recipient',
  ratelimited: 'rate_limited',
  internal_error: 'transient',
  fatal_error: 'transient',
  service_unavailable: 'transient',
  request_timeout: 'transient',
};

export function classifySlackError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err; // already classified (a step of a multi-call flow)
  const e = err as Partial<WebAPICallError> & { code?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError: {
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      return new DeliveryError('rate_limited', `Slack rate limit (retry after ${retryAfter ?? '?'} s)`, { retryAfterSeconds: retryAfter, cause: err });
    }
    case ErrorCode.PlatformError: {
      const code = (err as { data?: { error?: string } }).data?.error ?? 'unknown_error';
      return new DeliveryError(BY_ERROR[code] ?? 'unknown', `Slack refused: ${code}`, { code, cause: err });
    }
    case ErrorCode.HTTPError: {
      const status = (err as { statusCode?: number }).statusCode ?? 0;
      return new DeliveryError(status >= 500 || status === 408 ? 'transient' : 'unknown', `Slack HTTP ${status}`, { cause: err });
    }
    case ErrorCode.RequestError:
      return new DeliveryError('transient', 'Slack unreachable', { cause: err });
    default:
      return new DeliveryError('unknown', err instanceof Error ? err.message : String(err), { cause: err });
  }
}
