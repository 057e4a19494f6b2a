// The card's controls as the core describes them (src/agent-ui/card-controls.ts): which show, in
// what order, with which words; every bridge renders this list.
import { describe, expect, it } from 'vitest';
import type { TicketCard } from '../../src/core/ports.js';
import { cardControls, homeListControls, type MenuControl } from '../../src/agent-ui/card-controls.js';
import { formOpenedBy, isMoreAction } from '../../src/agent-ui/control-ids.js';

const NOW = Date.parse('2024-05-21T12:00:00Z');
const card = (o: Partial<TicketCard> = {}): TicketCard => ({
  ticketId: '42', protocol: '20240521-0042', status: 'open', channel: 'whatsapp', customerName: 'Maria', customerPhone: '5511999990000',
  department: 'Suporte', assignee: 'Ana', previousProtocol: null, tags: [], contactNotes: 0, scheduledClose: null, windowClosesAt: null, locale: 'en', ...o,
});
const ids = (c: TicketCard) => cardControls(c, 'en', NOW).map((x) => x.id);
const more = (c: TicketCard, locale: 'en' | 'pt-BR' = 'en') => (cardControls(c, locale, NOW).find((x) => x.type === 'menu') as MenuControl | undefined)?.options.map((o) => o.id);

describe('cardControls', () => {
  it.each([
    ['pending', ['accept', 'transfer', 'resolve', 'more']],
    ['open', ['transfer', 'resolve', 'more']],
    ['resolved', []],
  ] as const)('a %s ticket shows %j', (status, expected) => {
    expect(ids(card({ status }))).toEqual(expected);
  });

  it('makes Accept the primary button and asks before Resolve, in the card\'s language', () => {
    const [accept, , resolve] = cardControls(card({ status: 'pending', locale: 'pt-BR' }), 'pt-BR', NOW);
    expect(accept).toEqual({ type: 'button', id: 'accept', label: 'Aceitar', style: 'primary' });
    expect(resolve).toMatchObject({ type: 'button', id: 'resolve', confirm: { title: expect.any(String), text: expect.any(String), yes: expect.any(String), no: 'Cancelar' } });
  });

  it('lists More in order: return only while open, phone only when there is one', () => {
    expect(more(card())).toEqual(['return', 'contact', 'edit_contact', 'history', 'transcript', 'phone', 'block', 'unblock', 'delete']);
    expect(more(card({ status: 'pending', customerPhone: null }))).toEqual(['contact', 'edit_contact', 'history', 'transcript', 'block', 'unblock', 'delete']);
  });

  it('gives a deleted ticket\'s card no controls at all', () => {
    expect(cardControls(card({ status: 'resolved', deleted: true }), 'en', NOW)).toEqual([]);
    expect(cardControls(card({ status: 'pending', deleted: true }), 'en', NOW)).toEqual([]);
  });

  it('offers Send template first once the reply window has closed, on a channel with templates only', () => {
    const closed = new Date(NOW - 60_000).toISOString();
    expect(more(card({ templates: true, windowClosesAt: closed }))?.[0]).toBe('template');
    expect(more(card({ templates: true, windowClosesAt: new Date(NOW + 60_000).toISOString() }))).not.toContain('template');
    expect(more(card({ templates: false, windowClosesAt: closed }))).not.toContain('template');
    expect(more(card({ templates: true, windowClosesAt: null }))).not.toContain('template');
  });

  it('lets the waiting queue, not my own list, be accepted from home', () => {
    expect(homeListControls('waiting', 'en')).toEqual([{ type: 'button', id: 'accept', label: 'Accept', style: 'primary' }]);
    expect(homeListControls('mine', 'en')).toEqual([]);
  });
});

describe('formOpenedBy', () => {
  it.each([
    ['transfer', undefined, 'transfer'],
    ['templates', undefined, 'template'],
    ['more', 'template', 'template'],
    ['more', 'edit_contact', 'contact'],
    ['more', 'block', undefined],
    ['accept', undefined, undefined],
    // Resolve opens the close form when resolving asks for something (formFor gives none otherwise, and it acts)
    ['resolve', undefined, 'close'],
  ] as const)('%s %s opens %s', (control, option, form) => {
    expect(formOpenedBy(control, option)).toBe(form);
  });

  it('tells the More options that act from those that open a form', () => {
    expect(['return', 'block', 'unblock', 'contact', 'phone'].every(isMoreAction)).toBe(true);
    expect(isMoreAction('edit_contact') || isMoreAction('template')).toBe(false);
  });
});
