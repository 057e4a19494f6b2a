import { describe, expect, it } from 'vitest';
import { splitCloseWords } from '../../src/tickets/close-requirements.js';
import { scoreOf } from '../../src/tickets/survey.js';

describe('a typed resolve: reason and close fields', () => {
  it('takes field=value for close fields only, quoted values, and field= to clear', () => {
    expect(splitCloseWords('1 plan=gold', ['plan'])).toEqual({ reason: '1', fields: { plan: 'gold' } });
    expect(splitCloseWords('reason: moved abroad plan="gold plus" cpf=', ['plan', 'cpf'])).toEqual({ reason: 'moved abroad', fields: { plan: 'gold plus', cpf: null } });
    expect(splitCloseWords('see a=b', ['plan'])).toEqual({ reason: 'see a=b' });
    expect(splitCloseWords('', ['plan'])).toEqual({});
  });
});

describe('a survey answer', () => {
  it('is a tapped choice or a bare digit 1–5', () => {
    expect(scoreOf({ choiceId: 'csat:5', text: '5 – Excellent', kind: 'interactive' })).toBe(5);
    expect(scoreOf({ text: ' 4 ', kind: 'text' })).toBe(4);
    expect(scoreOf({ text: '5⭐️', kind: 'text' })).toBe(5);
    expect(scoreOf({ text: '3.', kind: 'text' })).toBe(3);
    expect(scoreOf({ text: '6', kind: 'text' })).toBeUndefined();
    expect(scoreOf({ text: '5 items are missing', kind: 'text' })).toBeUndefined();
    expect(scoreOf({ choiceId: 'other', text: '5', kind: 'interactive' })).toBeUndefined();
  });
});
