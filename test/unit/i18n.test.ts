import { describe, it, expect } from 'vitest';
import { isLocale, say, t, type MessageKey } from '../../src/i18n/catalog.js';
import { toMrkdwn } from '../../bridges/slack/render.js';
import { en } from '../../src/i18n/en.js';

const KEYS = Object.keys(en) as MessageKey[];
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('say, as Slack shows it', () => {
  it.each([
    ['en', 'card.title', { customer: 'Maria', channel: 'WhatsApp' }, 'Maria on WhatsApp'],
    ['pt-BR', 'card.title', { customer: 'Maria', channel: 'WhatsApp' }, 'Maria no WhatsApp'],
    ['en', 'status.tickets', { pending: 2, open: 0 }, '*Tickets*: 2 pending, 0 open'],
    ['pt-BR', 'status.tickets', { pending: 2, open: 0 }, '*Tickets*: 2 pendentes, 0 em atendimento'],
    ['en', 'card.title', { customer: 'Maria' }, 'Maria on {channel}'],
    ['pt-BR', 'card.title', {}, '{customer} no {channel}'],
    ['en', 'card.title', { customer: '{channel}', channel: 'Messenger' }, '{channel} on Messenger'],
    ['en', 'status.pending', { unused: 'x' }, 'Pending'],
  ] as const)('%s %s %j → %j', (locale, key, vars, expected) => {
    expect(toMrkdwn(say(locale, key, vars))).toBe(expected);
  });

  it('isLocale accepts exactly en and pt-BR', () => {
    expect(['en', 'pt-BR', 'pt', 'pt-br', 'EN', ''].map(isLocale)).toEqual([true, true, false, false, false, false]);
  });
});

describe('catalogs', () => {
  it('the key list was read from the source', () => {
    expect(KEYS.length).toBeGreaterThan(30);
    expect(KEYS).toContain('card.title');
    expect(KEYS).toContain('status.rejected');
  });

  it.each(KEYS)('%s has a non-empty text in both locales with the same placeholders', (key) => {
    const en = t('en', key);
    const pt = t('pt-BR', key);
    expect(typeof pt).toBe('string');
    expect(en.trim()).not.toBe('');
    expect(pt.trim()).not.toBe('');
    expect(placeholders(pt)).toEqual(placeholders(en));
  });

  it('at least 90% of pt-BR texts differ from en (no untranslated copies)', () => {
    const same = KEYS.filter((k) => t('en', k) === t('pt-BR', k));
    expect((KEYS.length - same.length) / KEYS.length).toBeGreaterThanOrEqual(0.9);
  });
});
