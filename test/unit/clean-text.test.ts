import { describe, expect, it } from 'vitest';
import { cleanJson, cleanText } from '../../src/http/clean-text.js';

describe('cleanText', () => {
  it('removes NUL and replaces lone surrogates with U+FFFD', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('x\ud800y')).toBe('x\uFFFDy');
    expect(cleanText('\udc00end')).toBe('\uFFFDend');
    expect(cleanText('tail\ud83d')).toBe('tail\uFFFD');
  });

  it('keeps well-formed text, emoji pairs included', () => {
    const s = 'Olá, ação rápida 🚀 ✔️ 中文';
    expect(cleanText(s)).toBe(s);
    expect(cleanText('\ud83d\ude80')).toBe('🚀');
  });
});

describe('cleanJson', () => {
  it('cleans every string value and key, deep, and keeps other values', () => {
    const parsed = JSON.parse('{"a\\u0000":["x\\ud800",{"b":"c\\u0000d","n":1,"t":true,"z":null}]}') as unknown;
    expect(cleanJson(parsed)).toEqual({ a: ['x\uFFFD', { b: 'cd', n: 1, t: true, z: null }] });
  });

  it('gives JSON that Postgres can read (no \\u0000, no lone surrogate escapes)', () => {
    const cleaned = JSON.stringify(cleanJson(JSON.parse('{"m":"\\u0000\\ud800\\udfff"}')));
    expect(cleaned).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
  });

  it('keeps a __proto__ key a plain key', () => {
    const cleaned = cleanJson(JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.keys(cleaned)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
