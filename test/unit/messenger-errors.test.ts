import { describe, it, expect } from 'vitest';
import { DeliveryError, type DeliveryErrorClass } from '../../src/core/errors.js';
import { GraphError } from '../../channels/meta/graph-client.js';
import { classifyMessengerError } from '../../channels/messenger/errors.js';

const graph = (status: number, code?: number, subcode?: number, retryAfter?: number) =>
  new GraphError(status, { message: 'Graph says no', type: 'OAuthException', ...(code !== undefined ? { code } : {}), ...(subcode !== undefined ? { error_subcode: subcode } : {}) }, retryAfter);

describe('classifyMessengerError', () => {
  it.each<[string, GraphError, DeliveryErrorClass, boolean]>([
    ['190 invalid token', graph(401, 190), 'auth', false],
    ['10/2018278 outside the window', graph(400, 10, 2018278), 'window_closed', false],
    ['10/2534022 outside the window', graph(400, 10, 2534022), 'window_closed', false],
    ['200/2534022 outside the window', graph(403, 200, 2534022), 'window_closed', false],
    ['10 without a window subcode: permission', graph(403, 10), 'auth', false],
    ['230 missing pages_messaging', graph(403, 230), 'auth', false],
    ['1/99 unknown error = missing permissions', graph(400, 1, 99), 'auth', false],
    ['551 person unavailable', graph(400, 551), 'invalid_recipient', false],
    ['200/1545041 person unavailable', graph(400, 200, 1545041), 'invalid_recipient', false],
    ['100/2018001 no matching user', graph(400, 100, 2018001), 'invalid_recipient', false],
    ['4 app rate limit', graph(400, 4), 'rate_limited', true],
    ['17 user rate limit', graph(400, 17), 'rate_limited', true],
    ['32 page rate limit', graph(400, 32), 'rate_limited', true],
    ['613 send rate limit', graph(400, 613), 'rate_limited', true],
    ['HTTP 429 without a code', graph(429), 'rate_limited', true],
    ['1 API unknown', graph(500, 1), 'transient', true],
    ['2 API service', graph(503, 2), 'transient', true],
    ['HTTP 502 without a code', graph(502), 'transient', true],
    ['100 invalid parameter', graph(400, 100), 'unknown', false],
    ['100 even on a 500', graph(500, 100), 'unknown', false],
    ['400 without a code', graph(400), 'unknown', false],
  ])('%s → %s (retryable %s)', (_label, err, cls, retryable) => {
    const d = classifyMessengerError(err);
    expect(d).toBeInstanceOf(DeliveryError);
    expect(d.errorClass).toBe(cls);
    expect(d.retryable).toBe(retryable);
    expect(d.cause).toBe(err);
  });

  it('keeps the code, names the subcode, and carries Retry-After over', () => {
    const d = classifyMessengerError(graph(400, 10, 2534022));
    expect(d.code).toBe('10');
    expect(d.message).toBe('Graph says no (code 10/2534022)');
    expect(classifyMessengerError(graph(400, 613, undefined, 30)).retryAfterSeconds).toBe(30);
    expect(classifyMessengerError(graph(502)).code).toBeUndefined();
  });

  it('passes a DeliveryError through and makes anything else unknown', () => {
    const own = new DeliveryError('transient', 'timeout', { uncertain: true });
    expect(classifyMessengerError(own)).toBe(own);
    const other = classifyMessengerError(new TypeError('boom'));
    expect(other.errorClass).toBe('unknown');
    expect(other.message).toContain('boom');
  });
});
