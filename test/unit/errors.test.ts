import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, it, expect } from 'vitest';
import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../../channels/meta/graph-client.js';
import { classifyWhatsAppError } from '../../channels/whatsapp/errors.js';
import { classifySlackError } from '../../bridges/slack/errors.js';

const graph = (status: number, code?: number, retryAfter?: number, details?: string) =>
  new GraphError(status, { message: 'Graph says no', type: 'OAuthException', ...(code !== undefined ? { code } : {}), ...(details ? { error_data: { details } } : {}) }, retryAfter);

describe('classifyWhatsAppError', () => {
  it.each<[string, GraphError, DeliveryErrorClass, boolean]>([
    ['190 token expired', graph(401, 190), 'auth', false],
    ['130429 throughput', graph(400, 130429), 'rate_limited', true],
    ['131056 pair rate limit', graph(400, 131056), 'rate_limited', true],
    ['131047 window closed', graph(400, 131047), 'window_closed', false],
    ['131026 undeliverable', graph(400, 131026), 'invalid_recipient', false],
    ['131000 something went wrong', graph(500, 131000), 'transient', true],
    ['HTTP 500 without a code', graph(500), 'transient', true],
    ['HTTP 503 without a code', graph(503), 'transient', true],
    ['HTTP 429 without a code', graph(429), 'rate_limited', true],
    ['400 code 100 invalid parameter', graph(400, 100), 'unknown', false],
    ['400 without a code', graph(400), 'unknown', false],
    ['code decides over HTTP status (500 with 131047)', graph(500, 131047), 'window_closed', false],
  ])('%s → %s (retryable %s)', (_label, err, cls, retryable) => {
    const d = classifyWhatsAppError(err);
    expect(d).toBeInstanceOf(DeliveryError);
    expect(d.errorClass).toBe(cls);
    expect(d.retryable).toBe(retryable);
    expect(d.cause).toBe(err);
  });

  it('keeps the code as a string and the details in the message', () => {
    const d = classifyWhatsAppError(graph(400, 131047, undefined, 'Message failed to send because more than 24 hours have passed'));
    expect(d.code).toBe('131047');
    expect(d.message).toContain('24 hours');
    expect(classifyWhatsAppError(graph(500)).code).toBeUndefined();
  });

  it.each([
    [graph(400, 130429, 30), 30],
    [graph(429, undefined, 7), 7],
    [graph(400, 130429), undefined],
  ])('carries Retry-After seconds over (%#)', (err, seconds) => {
    expect(classifyWhatsAppError(err).retryAfterSeconds).toBe(seconds);
  });

  it('passes a DeliveryError through and makes anything else unknown', () => {
    const own = new DeliveryError('transient', 'timeout', { uncertain: true });
    expect(classifyWhatsAppError(own)).toBe(own);
    const other = classifyWhatsAppError(new TypeError('boom'));
    expect(other.errorClass).toBe('unknown');
    expect(other.retryable).toBe(false);
    expect(other.message).toContain('boom');
  });
});

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('classifySlackError', () => {
  it.each<[string, Error, DeliveryErrorClass, boolean]>([
    ['ratelimited (429)', new WebAPIRateLimitedError(12), 'rate_limited', true],
    ['invalid_auth', platform('invalid_auth'), 'auth', false],
    ['token_revoked', platform('token_revoked'), 'auth', false],
    ['channel_not_found', platform('channel_not_found'), 'invalid_recipient', false],
    ['not_in_channel', platform('not_in_channel'), 'invalid_recipient', false],
    ['internal_error', platform('internal_error'), 'transient', true],
    ['ratelimited as a platform error', platform('ratelimited'), 'rate_limited', true],
    ['an unlisted error (msg_too_long)', platform('msg_too_long'), 'unknown', false],
    ['HTTP 503', new WebAPIHTTPError(503, 'Service Unavailable', {}), 'transient', true],
    ['HTTP 500', new WebAPIHTTPError(500, 'Internal Server Error', {}), 'transient', true],
    ['HTTP 400', new WebAPIHTTPError(400, 'Bad Request', {}), 'unknown', false],
    ['a request error', new WebAPIRequestError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'transient', true],
    ['a plain Error', new Error('weird'), 'unknown', false],
  ])('%s → %s (retryable %s)', (_label, err, cls, retryable) => {
    const d = classifySlackError(err);
    expect(d).toBeInstanceOf(DeliveryError);
    expect(d.errorClass).toBe(cls);
    expect(d.retryable).toBe(retryable);
    expect(d.cause).toBe(err);
  });

  it('carries the Retry-After seconds of a rate limit', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(42)).retryAfterSeconds).toBe(42);
    expect(classifySlackError(platform('internal_error')).retryAfterSeconds).toBeUndefined();
  });

  it('keeps the Slack error code', () => {
    expect(classifySlackError(platform('channel_not_found')).code).toBe('channel_not_found');
    expect(classifySlackError(platform('channel_not_found')).message).toContain('channel_not_found');
  });
});
