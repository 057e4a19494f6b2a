import { describe, it, expect } from 'vitest';
import type { ChannelCapabilities } from '../../src/core/ports.js';
import { classifyAgentText } from '../../src/agent/classify-text.js';
import { backoffMs } from '../../src/pipeline/backoff.js';
import { signReply, splitText } from '../../src/agent/compose-reply.js';

describe('classifyAgentText', () => {
  it.each([
    ['!note check the invoice', { type: 'note', text: 'check the invoice' }],
    ['!NOTE check the invoice', { type: 'note', text: 'check the invoice' }],
    ['  !note   spaced out', { type: 'note', text: 'spaced out' }],
    ['!note', { type: 'note', text: '' }],
    ['!note line one\nline two', { type: 'note', text: 'line one\nline two' }],
    ['// customer is upset', { type: 'note', text: 'customer is upset' }],
    ['//customer is upset', { type: 'note', text: 'customer is upset' }],
    ['!notebook', { type: 'command', name: 'notebook', args: '' }],
    ['!resolve', { type: 'command', name: 'resolve', args: '' }],
    ['!Resolve', { type: 'command', name: 'resolve', args: '' }],
    ['!transfer #sales please', { type: 'command', name: 'transfer', args: '#sales please' }],
    ['!accept   ', { type: 'command', name: 'accept', args: '' }],
    ['!!prices more', { type: 'command', name: '!prices', args: 'more' }],
    ['Hello, your order shipped', { type: 'reply', text: 'Hello, your order shipped' }],
    ['Great news! It shipped', { type: 'reply', text: 'Great news! It shipped' }],
    ['https://loja.example/pedido/123', { type: 'reply', text: 'https://loja.example/pedido/123' }],
    ['<https://loja.example|loja>', { type: 'reply', text: '<https://loja.example|loja>' }],
    ['! not a command', { type: 'reply', text: '! not a command' }],
    ['!123', { type: 'reply', text: '!123' }],
    ['a // b', { type: 'reply', text: 'a // b' }],
  ])('%j', (text, expected) => {
    expect(classifyAgentText(text)).toEqual(expected);
  });
});

const caps = (boldStyle: ChannelCapabilities['boldStyle']): ChannelCapabilities => ({ windowHours: 24, maxTextLength: 4096, boldStyle, blockWindowHours: null, humanAgentWindowHours: null, templates: false, textUnit: 'chars', maxMediaBytes: { image: 1, video: 1, audio: 1, document: 1, sticker: 1 } });

describe('signReply', () => {
  it.each([
    ['asterisk', 'Maria', 'Seu pedido saiu.', '*Maria:*\nSeu pedido saiu.'],
    ['asterisk', '*Ma_ri~a`*', 'oi', '*Maria:*\noi'],
    ['asterisk', null, 'oi', 'oi'],
    ['asterisk', '', 'oi', 'oi'],
    ['none', 'Maria', 'oi', 'Maria:\noi'],
    ['none', null, 'oi', 'oi'],
  ] as const)('%s style, name %j', (style, name, text, expected) => {
    expect(signReply(name, text, caps(style))).toBe(expected);
  });
});

/** Deterministic text made of words, spaces, line breaks, paragraphs, accents and emoji. */
function sampleText(length: number, seed: number): string {
  const pieces = ['palavra', 'ok', 'pedido', 'ação', '😀', '👍🏽', ' ', ' ', ' ', '\n', '\n\n', 'x'.repeat(30)];
  let s = seed;
  let out = 'a';
  while (out.length < length) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out += pieces[s % pieces.length];
  }
  return out.slice(0, length).replace(/[\uD800-\uDBFF]$/, 'z');
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nonSpace = (s: string) => s.replace(/\s+/g, '');

describe('splitText', () => {
  it.each([
    ['short', 'Olá!', 100],
    ['exactly max', 'x'.repeat(50), 50],
    ['empty', '', 10],
  ])('%s text is returned unchanged as one part', (_label, text, max) => {
    expect(splitText(text, max)).toEqual([text]);
  });

  const cases = [0, 1, 9, 10, 11, 99, 250, 1000, 5000, 9000].flatMap((length) =>
    [2, 3, 7, 10, 64, 100, 1000, 4096].map((max) => ({ length, max, text: sampleText(length, length * 31 + max) })),
  );
  it('properties hold over many lengths and limits', () => {
    for (const { length, max, text } of cases) {
      const parts = splitText(text, max);
      const where = `length ${length}, max ${max}`;
      expect(text.length, where).toBe(length);
      for (const p of parts) {
        expect(p.length, where).toBeLessThanOrEqual(max);
        expect(LONE_SURROGATE.test(p), `${where}: lone surrogate in ${JSON.stringify(p)}`).toBe(false);
        if (length > 0) expect(p.trim(), where).not.toBe('');
      }
      expect(nonSpace(parts.join('')), where).toBe(nonSpace(text));
      if (length <= max) expect(parts, where).toEqual([text]);
      else expect(parts.length, where).toBeGreaterThanOrEqual(Math.ceil(nonSpace(text).length / max));
    }
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    const a = 'a'.repeat(60);
    expect(splitText(`${a}\n\n${'b'.repeat(20)}\n${'c'.repeat(10)} ${'d'.repeat(50)}`, 100))
      .toEqual([a, `${'b'.repeat(20)}\n${'c'.repeat(10)} ${'d'.repeat(50)}`]);
    expect(splitText(`${a}\n${'b'.repeat(20)} ${'c'.repeat(50)}`, 100)).toEqual([a, `${'b'.repeat(20)} ${'c'.repeat(50)}`]);
    expect(splitText(`${a} ${'b'.repeat(20)} ${'c'.repeat(50)}`, 100)).toEqual([`${a} ${'b'.repeat(20)}`, 'c'.repeat(50)]);
  });

  it('never splits a surrogate pair (emoji-only text, odd limits)', () => {
    const text = '😀'.repeat(25);
    for (const max of [3, 5, 7, 9, 49]) {
      const parts = splitText(text, max);
      expect(parts.join('')).toBe(text);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(max);
        expect(LONE_SURROGATE.test(p)).toBe(false);
      }
    }
    expect(splitText(text, 5)).toEqual(Array.from({ length: 13 }, (_v, i) => (i < 12 ? '😀😀' : '😀')));
  });

  it('hard-cuts a single word longer than max', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText(`oooo ${'y'.repeat(12)}`, 5)).toEqual(['oooo', 'yyyyy', 'yyyyy', 'yy']);
  });
});

describe('backoffMs', () => {
  it.each([
    [1, 2, 2000],
    [5, 0.5, 500],
    [3, 1.2345, 1235],
    [1, 600, 600_000],
  ])('attempt %i with Retry-After %s s waits %i ms', (attempt, retryAfter, expected) => {
    expect(backoffMs(attempt, retryAfter, () => 0.999)).toBe(expected);
    expect(backoffMs(attempt, retryAfter, () => 0)).toBe(expected);
  });

  it('the exponential ceiling doubles per attempt and caps at 300 000 ms', () => {
    const ceilings = [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000];
    ceilings.forEach((ceiling, i) => {
      expect(backoffMs(i + 1, undefined, () => 0.999), `attempt ${i + 1}`).toBe(Math.floor(0.999 * ceiling));
    });
    expect(backoffMs(50, undefined, () => 0.999)).toBe(Math.floor(0.999 * 300_000));
    expect(backoffMs(1000, undefined, () => 0.999)).toBeLessThanOrEqual(300_000);
  });

  it('is never below 250 ms without Retry-After, and jitters within the ceiling', () => {
    for (const attempt of [1, 2, 5, 20]) {
      expect(backoffMs(attempt, undefined, () => 0)).toBe(250);
      expect(backoffMs(attempt, undefined, () => 0.0001)).toBe(250);
    }
    expect(backoffMs(4, undefined, () => 0.5)).toBe(4000);
  });

  it('a negative Retry-After is ignored', () => {
    expect(backoffMs(2, -1, () => 0.999)).toBe(Math.floor(0.999 * 2000));
  });
});
