import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../meta/graph-client.js';

/**
 * WhatsApp error codes → the core's classes, decided on `code` (never on titles).
 * Source: platform-notes.md ("Errors worth mapping"). A request Graph refused for what it says
 * (bad parameter, media, template) is `unknown`: resending it cannot succeed, so it is not
 * retried. A code not listed falls back on the HTTP status (429 waits, 5xx is transient).
 */
const BY_CODE: Record<number, DeliveryErrorClass> = {
  // Token expired or invalid; the app or token lacks a permission.
  190: 'auth',
  0: 'auth',
  10: 'auth',
  131005: 'auth',
  // App-level call limit, WABA rate limit, number throughput, too many to the same user.
  4: 'rate_limited',
  80007: 'rate_limited',
  130429: 'rate_limited',
  131056: 'rate_limited',
  // 131048 is Meta's spam limit on the number: retrying makes it worse, so it is not retried.
  131048: 'unknown',
  // Invalid parameter, required parameter missing, parameter value not valid.
  100: 'unknown',
  131008: 'unknown',
  131009: 'unknown',
  // Unsupported message type; media download / upload failed.
  131051: 'unknown',
  131052: 'unknown',
  131053: 'unknown',
  // Template: parameter count, does not exist, parameter format, paused.
  132000: 'unknown',
  132001: 'unknown',
  132012: 'unknown',
  132015: 'unknown',
  131000: 'transient',
  131047: 'window_closed',
  131026: 'invalid_recipient',
  // This kind of message cannot go to a business-scoped user id (some authentication templates).
  131062: 'unknown',
};

/**
 * Codes whose words from Meta do not say what to do, explained for the agent who reads the
 * thread (the code stays beside them).
 */
const EXPLAINED: Record<number, string> = {
  131062:
    'WhatsApp does not deliver this kind of message to a customer known only by their username (business-scoped user id); send it as a normal reply or another template, or ask the customer for their phone number',
};

/** The explanation for a code, when Meta's own title is not enough to act on. */
export function explainWhatsAppCode(code: number): string | undefined {
  return EXPLAINED[code];
}

/** The class of an error code in a status webhook (a failed delivery reported later). */
export function classifyWhatsAppCode(code: number): DeliveryErrorClass {
  return BY_CODE[code] ?? 'unknown';
}

export function classifyWhatsAppError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (!(err instanceof GraphError)) return new DeliveryError('unknown', err instanceof Error ? err.message : String(err), { cause: err });
  const code = err.error.code;
  const byCode = code !== undefined ? BY_CODE[code] : undefined;
  // Without a code we know, the HTTP status is all there is: 429 waits, 5xx may pass next time.
  const cls: DeliveryErrorClass = byCode ?? (err.status === 429 ? 'rate_limited' : err.status >= 500 ? 'transient' : 'unknown');
  const detail = err.error.error_data?.details;
  const words = (code !== undefined ? EXPLAINED[code] : undefined) ?? `${err.error.message ?? 'WhatsApp error'}${detail ? `: ${detail}` : ''}`;
  const message = `${words} (code ${code ?? err.status})`;
  return new DeliveryError(cls, message, { code: code !== undefined ? String(code) : undefined, retryAfterSeconds: err.retryAfterSeconds, cause: err });
}

/** Graph's answer for an object id it does not know: code 100, subcode 33 (expired media ids too). */
export function isUnknownObject(err: unknown): boolean {
  return err instanceof GraphError && ((err.error.code === 100 && err.error.error_subcode === 33) || err.status === 404);
}
