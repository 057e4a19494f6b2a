// The WhatsApp error table (platform-notes.md, "Errors worth mapping"): decided on `code`, with the
// HTTP status only for codes the table does not name.
import { describe, expect, it } from 'vitest';
import type { DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../../channels/meta/graph-client.js';
import { classifyWhatsAppError, isUnknownObject } from '../../channels/whatsapp/errors.js';

const graphError = (status: number, code: number | undefined, details?: string, retryAfter?: number) =>
  new GraphError(status, { message: `(#${code ?? '?'}) Graph says no`, type: 'OAuthException', code, ...(details ? { error_data: { details } } : {}) }, retryAfter);

describe('classifyWhatsAppError: the code table', () => {
  it.each<[number, DeliveryErrorClass, boolean]>([
    [190, 'auth', false],
    [0, 'auth', false],
    [10, 'auth', false],
    [131005, 'auth', false],
    [4, 'rate_limited', true],
    [80007, 'rate_limited', true],
    [130429, 'rate_limited', true],
    [131056, 'rate_limited', true],
    [131000, 'transient', true],
    [131047, 'window_closed', false],
    [131026, 'invalid_recipient', false],
    [100, 'unknown', false],
    [131008, 'unknown', false],
    [131009, 'unknown', false],
    [131048, 'unknown', false],
    [131051, 'unknown', false],
    [131052, 'unknown', false],
    [131053, 'unknown', false],
    [132000, 'unknown', false],
    [132001, 'unknown', false],
    [132012, 'unknown', false],
    [132015, 'unknown', false],
    [368, 'unknown', false],
  ])('code %i → %s (retryable %s)', (code, cls, retryable) => {
    const d = classifyWhatsAppError(graphError(400, code));
    expect(d.errorClass).toBe(cls);
    expect(d.retryable).toBe(retryable);
    expect(d.code).toBe(String(code));
  });

  it.each<[number, DeliveryErrorClass]>([
    [500, 'unknown'],
    [503, 'window_closed'],
  ])('the code wins over a 5xx status (HTTP %i)', (status, cls) => {
    expect(classifyWhatsAppError(graphError(status, cls === 'unknown' ? 132000 : 131047)).errorClass).toBe(cls);
  });

  it.each<[number, number | undefined, DeliveryErrorClass]>([
    [500, undefined, 'transient'],
    [502, 1, 'transient'],
    [503, 2, 'transient'],
    [429, undefined, 'rate_limited'],
    [400, undefined, 'unknown'],
    [403, 99999, 'unknown'],
  ])('an unlisted code falls back on the status: HTTP %i, code %s → %s', (status, code, cls) => {
    expect(classifyWhatsAppError(graphError(status, code)).errorClass).toBe(cls);
  });

  it.each([4, 80007, 130429, 131056])('rate limit %i carries Retry-After', (code) => {
    expect(classifyWhatsAppError(graphError(400, code, undefined, 60)).retryAfterSeconds).toBe(60);
  });

  it("puts error_data.details in the message, so the agent reads Graph's reason", () => {
    const d = classifyWhatsAppError(graphError(400, 131009, 'Parameter value is not valid: to'));
    expect(d.message).toBe('(#131009) Graph says no: Parameter value is not valid: to (code 131009)');
  });

  it('decides on the code, not the title', () => {
    const misleading = new GraphError(400, { message: 'Rate limit hit', code: 131026 }, undefined);
    expect(classifyWhatsAppError(misleading).errorClass).toBe('invalid_recipient');
  });
});

describe('isUnknownObject', () => {
  it("is Graph's code 100 / subcode 33, or a 404", () => {
    expect(isUnknownObject(new GraphError(400, { code: 100, error_subcode: 33 }, undefined))).toBe(true);
    expect(isUnknownObject(new GraphError(404, { code: 803 }, undefined))).toBe(true);
    expect(isUnknownObject(new GraphError(400, { code: 100 }, undefined))).toBe(false);
    expect(isUnknownObject(new Error('x'))).toBe(false);
  });
});
