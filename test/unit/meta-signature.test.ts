import { describe, it, expect } from 'vitest';
import { answerHandshake } from '../../channels/meta/handshake.js';
import { SignatureError, assertMetaSignature, isValidMetaSignature } from '../../channels/meta/verify.js';
import { WA_DEFAULTS, escapeNonAscii, signMeta, waTextMessage } from '../fixtures/meta.js';

const SECRET = 'e4b2f0c1a9d84c6f8f3b2a1d0c9e8f7a';
const message = waTextMessage({ phoneNumberId: WA_DEFAULTS.phoneNumberId, from: WA_DEFAULTS.from, text: 'Olá! Meu pedido não chegou 😕', timestamp: 1700000000, id: 'wamid.TEST1' });
/** What Meta sends: non-ASCII escaped as \uXXXX, then signed. */
const raw = Buffer.from(escapeNonAscii(JSON.stringify(message)));
const goodHeader = signMeta(raw, SECRET);
const hex = goodHeader.slice('sha256='.length);

describe('Meta X-Hub-Signature-256', () => {
  it('accepts the signature over the raw bytes', () => {
    expect(raw.toString()).toMatch(/\\u00e1/); // the body really is escaped
    expect(isValidMetaSignature(raw, goodHeader, SECRET)).toBe(true);
    expect(() => assertMetaSignature(raw, goodHeader, SECRET)).not.toThrow();
  });

  it('an escaped body verifies only against its own bytes, not a re-serialisation of the parsed object', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(reserialised.equals(raw)).toBe(false);
    expect(JSON.parse(reserialised.toString())).toEqual(JSON.parse(raw.toString()));
    expect(isValidMetaSignature(reserialised, goodHeader, SECRET)).toBe(false);
    // …and the re-serialised bytes carry their own, different, valid signature.
    expect(isValidMetaSignature(reserialised, signMeta(reserialised, SECRET), SECRET)).toBe(true);
    expect(signMeta(reserialised, SECRET)).not.toBe(goodHeader);
  });

  it.each([
    ['uppercase hex', `sha256=${hex.toUpperCase()}`],
    ['surrounding whitespace', ` ${goodHeader} `],
  ])('accepts %s', (_label, header) => {
    expect(isValidMetaSignature(raw, header, SECRET)).toBe(true);
  });

  it.each([
    ['missing header', undefined, SECRET, /missing/],
    ['empty header', '', SECRET, /missing/],
    ['no sha256= prefix', hex, SECRET, /malformed/],
    ['sha1= prefix', `sha1=${hex}`, SECRET, /malformed/],
    ['63 hex digits', `sha256=${hex.slice(0, 63)}`, SECRET, /malformed/],
    ['65 hex digits', `sha256=${hex}0`, SECRET, /malformed/],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`, SECRET, /malformed/],
    ['one hex digit changed', `sha256=${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`, SECRET, /mismatch/],
    ['another secret', goodHeader, 'not-the-app-secret', /mismatch/],
    ['an empty secret (even with a signature made with it)', signMeta(raw, ''), '', /secret/],
  ])('rejects %s', (_label, header, secret, reason) => {
    expect(isValidMetaSignature(raw, header, secret)).toBe(false);
    expect(() => assertMetaSignature(raw, header, secret)).toThrow(SignatureError);
    expect(() => assertMetaSignature(raw, header, secret)).toThrow(reason);
  });

  it('rejects when one byte of the body changes', () => {
    const tampered = Buffer.from(raw);
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 0x01;
    expect(isValidMetaSignature(tampered, goodHeader, SECRET)).toBe(false);
  });
});

describe('Meta subscription handshake', () => {
  const TOKEN = 'verify-me-123';
  const q = (mode: unknown, token: unknown, challenge: unknown = '1158201444') => ({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });

  it('echoes the challenge for mode=subscribe and the matching token', () => {
    expect(answerHandshake(q('subscribe', TOKEN), TOKEN)).toBe('1158201444');
    expect(answerHandshake(q('subscribe', TOKEN, 'another-challenge'), TOKEN)).toBe('another-challenge');
  });

  it.each([
    ['wrong token', q('subscribe', 'verify-me-124'), TOKEN],
    ['token prefix', q('subscribe', 'verify-me'), TOKEN],
    ['token longer', q('subscribe', `${TOKEN}4`), TOKEN],
    ['empty token', q('subscribe', ''), TOKEN],
    ['missing token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }, TOKEN],
    ['token as array', q('subscribe', [TOKEN]), TOKEN],
    ['mode unsubscribe', q('unsubscribe', TOKEN), TOKEN],
    ['mode missing', { 'hub.verify_token': TOKEN, 'hub.challenge': '1' }, TOKEN],
    ['challenge missing', { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN }, TOKEN],
    ['no verify token configured', q('subscribe', TOKEN), undefined],
    ['empty verify token configured, empty token given', q('subscribe', ''), ''],
    ['empty query', {}, TOKEN],
  ])('answers 403 (null) for %s', (_label, query, configured) => {
    expect(answerHandshake(query, configured)).toBeNull();
  });
});
