import { describe, expect, it } from 'vitest';
import { parseResolveArgs } from '../../src/agent/resolve-args.js';

describe('parseResolveArgs', () => {
  it.each([
    ['', { kind: 'now', silent: false, reason: '' }],
    ['silent', { kind: 'now', silent: true, reason: '' }],
    ['cliente desistiu', { kind: 'now', silent: false, reason: 'cliente desistiu' }],
    ['cancel', { kind: 'cancel' }],
    ['in 30m', { kind: 'later', silent: false, reason: '', delayMs: 1_800_000, keepOnReply: false }],
    ['in 2h keep-on-reply sem resposta', { kind: 'later', silent: false, reason: 'sem resposta', delayMs: 7_200_000, keepOnReply: true }],
    ['silent in 1d keep', { kind: 'later', silent: true, reason: '', delayMs: 86_400_000, keepOnReply: true }],
    ['in 45s', { kind: 'later', silent: false, reason: '', delayMs: 45_000, keepOnReply: false }],
    ['in soon', { kind: 'bad_delay', word: 'soon' }],
    ['in 0m', { kind: 'bad_delay', word: '0m' }],
    ['in 8d', { kind: 'bad_delay', word: '8d' }],
  ])('%j', (args, expected) => {
    expect(parseResolveArgs(args)).toEqual(expected);
  });
});
