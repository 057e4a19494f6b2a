import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../meta/graph-client.js';

/**
 * WhatsApp error codes → the core's classes, decided on `code` (never on titles).
 * Source: platform-notes.md ("Errors worth mapping").
 */
const BY_CODE: Record<number, DeliveryErrorClass> = {
  190: 'auth',
  0: 'auth',
  10: 'auth',
  131005: 'auth',
  4: 'rate_limited',
  80007: 'rate_limited',
  130429: 'rate_limited',
  131056: 'rate_limited',
  // 131048 is Meta's spam limit on the number: retrying makes it worse, so it is not retried.
  131048: 'unknown',
  131000: 'transient',
  131047: 'window_closed',
  131026: 'invalid_recipient',
};

export function classifyWhatsAppError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (!(err instanceof GraphError)) return new DeliveryError('unknown', err instanceof Error ? err.message : String(err), { cause: err });
  const code = err.error.code;
  const byCode = code !== undefined ? BY_CODE[code] : undefined;
  const cls: DeliveryErrorClass = byCode ?? (err.status === 429 ? 'rate_limited' : err.status >= 500 ? 'transient' : 'unknown');
  const detail = err.error.error_data?.details;
  const message = `${err.error.message ?? 'WhatsApp error'}${detail ? `: ${detail}` : ''} (code ${code ?? err.status})`;
  return new DeliveryError(cls, message, { code: code !== undefined ? String(code) : undefined, retryAfterSeconds: err.retryAfterSeconds, cause: err });
}
