import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, FILE_POLICY, rateLimitDelayMs, retryDelayMs, retryPolicyFor, retryWakeId } from '../../src/pipeline/retry-policy.js';

describe('retryPolicyFor', () => {
  it('gives files a few quick tries and everything else about an hour', () => {
    expect(retryPolicyFor('media.mirror')).toBe(FILE_POLICY);
    expect(retryPolicyFor('customer.media')).toBe(FILE_POLICY);
    expect(retryPolicyFor('thread.post')).toBe(DEFAULT_POLICY);
    expect(retryPolicyFor('customer.send')).toBe(DEFAULT_POLICY);
    expect(FILE_POLICY.maxAttempts).toBeLessThanOrEqual(5);
  });

  it('keeps a file’s tries within about a minute, even at the top of the jitter', () => {
    let total = 0;
    for (let attempt = 1; attempt < FILE_POLICY.maxAttempts; attempt++) total += retryDelayMs(FILE_POLICY, attempt, undefined, () => 0.999);
    expect(total).toBeGreaterThanOrEqual(45_000);
    expect(total).toBeLessThanOrEqual(90_000);
  });

  it('follows the schedule with ±20% jitter, the last step repeating', () => {
    expect(retryDelayMs(FILE_POLICY, 1, undefined, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(FILE_POLICY, 1, undefined, () => 0)).toBe(4_000);
    expect(retryDelayMs(FILE_POLICY, 2, undefined, () => 0.999)).toBeLessThanOrEqual(18_000);
    expect(retryDelayMs(FILE_POLICY, 9, undefined, () => 0.5)).toBe(40_000);
  });

  it('lets a transient answer’s Retry-After win, and falls back to exponential backoff without a schedule', () => {
    expect(retryDelayMs(FILE_POLICY, 1, 3, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(DEFAULT_POLICY, 4, undefined, () => 0.5)).toBe(4_000);
  });
});

describe('rateLimitDelayMs', () => {
  it('waits the Retry-After plus a little jitter, never less', () => {
    expect(rateLimitDelayMs(1, () => 0)).toBe(1_000);
    expect(rateLimitDelayMs(1, () => 0.999)).toBeLessThanOrEqual(1_100);
    expect(rateLimitDelayMs(30, () => 0.999)).toBeLessThanOrEqual(30_500);
    expect(rateLimitDelayMs(0.25, () => 0)).toBe(250);
  });

  it('waits a few seconds when the platform names no Retry-After', () => {
    expect(rateLimitDelayMs(undefined, () => 0)).toBe(5_000);
  });
});

describe('retryWakeId', () => {
  it('differs for the same attempt at another time (a rate-limited row keeps its attempt count)', () => {
    const a = retryWakeId('t1-agent', '7', 0, new Date(1000));
    expect(a).not.toBe(retryWakeId('t1-agent', '7', 0, new Date(2000)));
    expect(a).toBe(retryWakeId('t1-agent', '7', 0, new Date(1000)));
    expect(a).not.toContain(':');
  });
});
