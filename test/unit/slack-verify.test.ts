import { describe, it, expect } from 'vitest';
import { SlackSignatureError, assertSlackSignature, isValidSlackSignature } from '../../bridges/slack/verify.js';
import { SLACK_SIGNING_EXAMPLE as EX, signSlack } from '../fixtures/slack.js';

const body = Buffer.from(EX.body);
const at = (sec: number) => sec * 1000;
const headers = (o: { signature?: string; timestamp?: string } = {}) => ({
  signature: 'signature' in o ? o.signature : EX.signature,
  timestamp: 'timestamp' in o ? o.timestamp : String(EX.timestamp),
});

function rejection(fn: () => void): SlackSignatureError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SlackSignatureError);
    return err as SlackSignatureError;
  }
  throw new Error('expected a SlackSignatureError, nothing was thrown');
}

describe("Slack request signature (Slack's documented example)", () => {
  it('the fixture signature is what the signing scheme produces (sanity check of the vector)', () => {
    expect(signSlack(EX.body, EX.secret, EX.timestamp)).toBe(EX.signature);
  });

  it('verifies with the clock pinned to the example timestamp', () => {
    expect(isValidSlackSignature(body, headers(), EX.secret, at(EX.timestamp))).toBe(true);
    expect(() => assertSlackSignature(body, headers(), EX.secret, at(EX.timestamp))).not.toThrow();
  });

  it.each([
    ['exactly 5 min later', 300, true],
    ['5 min + 1 s later', 301, false],
    ['an hour later', 3600, false],
    ['5 min before (timestamp 5 min in the future)', -300, true],
    ['5 min + 1 s before (timestamp > 5 min in the future)', -301, false],
    ['an hour before', -3600, false],
  ])('clock %s → %s', (_label, offsetSec, ok) => {
    expect(isValidSlackSignature(body, headers(), EX.secret, at(EX.timestamp + offsetSec))).toBe(ok);
  });

  it('a stale or future timestamp is reported with a reason', () => {
    expect(rejection(() => assertSlackSignature(body, headers(), EX.secret, at(EX.timestamp + 301))).message).toMatch(/stale|minutes/i);
    expect(rejection(() => assertSlackSignature(body, headers(), EX.secret, at(EX.timestamp - 301))).message).toMatch(/future/i);
  });

  it('fails when any single byte of the body changes', () => {
    for (const i of [0, 1, Math.floor(body.length / 2), body.length - 1]) {
      const tampered = Buffer.from(body);
      tampered[i] = tampered[i]! ^ 0x01;
      expect(isValidSlackSignature(tampered, headers(), EX.secret, at(EX.timestamp)), `byte ${i}`).toBe(false);
    }
    expect(isValidSlackSignature(Buffer.concat([body, Buffer.from('&')]), headers(), EX.secret, at(EX.timestamp))).toBe(false);
  });

  it.each([
    ['a wrong secret', body, headers(), 'wrong-secret', /mismatch/],
    ['an empty secret', body, headers(), '', /signingSecret|secret/i],
    ['a v1= prefix', body, headers({ signature: EX.signature.replace('v0=', 'v1=') }), EX.secret, /version/],
    ['no version prefix', body, headers({ signature: EX.signature.slice(3) }), EX.secret, /version|mismatch/],
    ['a truncated signature', body, headers({ signature: EX.signature.slice(0, -1) }), EX.secret, /mismatch/],
    ['a signature for another timestamp', body, headers({ signature: signSlack(EX.body, EX.secret, EX.timestamp - 1) }), EX.secret, /mismatch/],
    ['no signature header', body, headers({ signature: undefined }), EX.secret, /missing/],
    ['an empty signature header', body, headers({ signature: '' }), EX.secret, /missing/],
    ['no timestamp header', body, headers({ timestamp: undefined }), EX.secret, /missing/],
    ['a fractional timestamp', body, headers({ timestamp: '1531420618.5' }), EX.secret, /timestamp/],
    ['a non-numeric timestamp', body, headers({ timestamp: 'yesterday' }), EX.secret, /timestamp/],
  ] as const)('rejects %s', (_label, raw, h, secret, reason) => {
    expect(isValidSlackSignature(raw, h, secret, at(EX.timestamp))).toBe(false);
    const err = rejection(() => assertSlackSignature(raw, h, secret, at(EX.timestamp)));
    expect(err.name).toBe('SlackSignatureError');
    expect(err.message).toMatch(reason);
  });

  it('rejects a correctly signed body that is not valid UTF-8', () => {
    const raw = Buffer.from([0xff]);
    const h = { signature: signSlack(raw, EX.secret, EX.timestamp), timestamp: String(EX.timestamp) };
    expect(isValidSlackSignature(raw, h, EX.secret, at(EX.timestamp))).toBe(false);
    expect(rejection(() => assertSlackSignature(raw, h, EX.secret, at(EX.timestamp))).message).toMatch(/UTF-8/);
  });

  it('accepts a correctly signed UTF-8 body with non-ASCII characters (control for the case above)', () => {
    const raw = Buffer.from(JSON.stringify({ text: 'Olá, João 😀' }));
    const h = { signature: signSlack(raw, EX.secret, EX.timestamp), timestamp: String(EX.timestamp) };
    expect(isValidSlackSignature(raw, h, EX.secret, at(EX.timestamp))).toBe(true);
  });
});
