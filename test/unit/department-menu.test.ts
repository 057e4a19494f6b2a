// How a customer's answer to the department menu is read: a tapped row, a number, or a name.
import { describe, expect, it } from 'vitest';
import { departmentOf } from '../../src/tickets/department-menu.js';

const offered = [{ id: '7', name: 'Vendas' }, { id: '8', name: 'Suporte Técnico' }, { id: '9', name: 'Financeiro' }];
const text = (t: string) => ({ text: t, kind: 'text' });

describe('departmentOf', () => {
  it.each([
    [text('1'), 'Vendas'],
    [text(' 2. '), 'Suporte Técnico'],
    [text('3)'), 'Financeiro'],
    [text('suporte tecnico'), 'Suporte Técnico'],
    [text('FINANCEIRO!'), 'Financeiro'],
    [{ text: 'Financeiro', kind: 'interactive', choiceId: 'dept:9' }, 'Financeiro'],
  ])('%j → %s', (ev, name) => {
    expect(departmentOf(ev, offered)?.name).toBe(name);
  });

  it.each([[text('4')], [text('0')], [text('quero falar com alguém')], [text('vendas e suporte')], [{ text: '1', kind: 'image' }], [{ text: 'x', kind: 'interactive', choiceId: 'dept:99' }], [{ text: '5', kind: 'interactive', choiceId: 'csat:5' }]])(
    '%j is no choice',
    (ev) => {
      expect(departmentOf(ev, offered)).toBeUndefined();
    },
  );
});
