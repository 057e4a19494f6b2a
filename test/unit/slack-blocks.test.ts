import { describe, it, expect } from 'vitest';
import type { TicketCard } from '../../src/core/ports.js';
import { maskPhone, ticketCardBlocks } from '../../bridges/slack/blocks.js';

const PHONE = '5511987654321';
const card = (o: Partial<TicketCard> = {}): TicketCard => ({
  ticketId: '7d3f0a4e-0000-4000-8000-000000000001',
  protocol: '20240521-0042',
  status: 'pending',
  channel: 'whatsapp',
  customerName: 'Maria Silva',
  customerPhone: PHONE,
  department: 'Suporte',
  assignee: null,
  previousProtocol: null,
  tags: [],
  contactNotes: 0,
  scheduledClose: null,
  windowClosesAt: null,
  locale: 'en',
  ...o,
});

type Text = { type: string; text: string };
type Block = { type: string; text?: Text; fields?: Text[]; elements?: Text[] };
const render = (c: TicketCard) => ticketCardBlocks(c) as { text: string; blocks: Block[] };
const json = (c: TicketCard) => JSON.stringify(render(c));

const BLOCK_TYPES = new Set(['section', 'context', 'header', 'divider', 'actions', 'image', 'input', 'rich_text', 'file', 'video', 'markdown']);
const TEXT_TYPES = new Set(['mrkdwn', 'plain_text']);

describe('maskPhone', () => {
  it.each([
    [PHONE, '•••• 4321'],
    ['+55 (11) 98765-4321', '•••• 4321'],
    ['12345', '•••• 2345'],
    ['1234', '••••'],
    ['', null],
    [null, null],
  ])('%j → %j', (phone, expected) => {
    expect(maskPhone(phone)).toBe(expected);
  });

  it('never shows more than 4 digits', () => {
    for (const phone of [PHONE, '+1 415 555 0100', '447700900123']) {
      expect((maskPhone(phone) ?? '').replace(/\D/g, '')).toBe(phone.replace(/\D/g, '').slice(-4));
    }
  });
});

describe('ticketCardBlocks', () => {
  it('never contains the full phone (or any 5 of its digits in a row)', () => {
    const out = json(card());
    expect(out).toContain('4321');
    for (let i = 0; i + 5 <= PHONE.length - 4; i++) expect(out).not.toContain(PHONE.slice(i, i + 5));
    expect(out).not.toContain('+55 11 98765');
  });

  it('omits the phone field when there is no phone', () => {
    expect(json(card({ customerPhone: null }))).not.toMatch(/Phone/);
  });

  it('escapes a hostile customer name everywhere, fallback text included', () => {
    const out = render(card({ customerName: '<!channel> Bob', department: '<!here>', assignee: '<@U0BOSS>' }));
    const all = JSON.stringify(out);
    expect(all).not.toMatch(/<!channel>|<!here>|<@U0BOSS>/);
    expect(all).toContain('&lt;!channel&gt; Bob');
    expect(out.text).toContain('&lt;!channel&gt; Bob');
  });

  it('shows the assignee, or "Unassigned"', () => {
    expect(json(card({ status: 'open', assignee: 'Ana Souza' }))).toContain('Ana Souza');
    const unassigned = json(card());
    expect(unassigned).toContain('Unassigned');
  });

  it('has a fallback text naming the protocol, customer, channel and status', () => {
    const { text } = render(card({ status: 'open', channel: 'whatsapp' }));
    expect(text).toContain('20240521-0042');
    expect(text).toContain('Maria Silva');
    expect(text).toContain('WhatsApp');
    expect(text).toContain('Open');
    expect(text).not.toContain('{');
  });

  it('renders pt-BR labels when card.locale is pt-BR', () => {
    const pt = json(card({ locale: 'pt-BR' }));
    for (const label of ['Protocolo', 'Setor', 'Atendente', 'Telefone', 'Sem atendente', 'Pendente', 'Maria Silva no WhatsApp']) expect(pt).toContain(label);
    for (const label of ['Protocol*', 'Department', 'Assignee', 'Unassigned', 'Pending', ' on WhatsApp']) expect(pt).not.toContain(label);
    expect(render(card({ locale: 'pt-BR', status: 'open' })).text).toContain('Em atendimento');
  });

  it('falls back to en for an unknown locale', () => {
    expect(json(card({ locale: 'fr' }))).toContain('Unassigned');
  });

  it('includes the previous protocol when present, and only then', () => {
    expect(json(card({ previousProtocol: '20240101-0007' }))).toContain('20240101-0007');
    expect(json(card({ previousProtocol: '20240101-0007' }))).toMatch(/Previous ticket/);
    expect(json(card())).not.toMatch(/Previous ticket/);
    expect(json(card({ locale: 'pt-BR', previousProtocol: '20240101-0007' }))).toMatch(/Ticket anterior/);
  });

  it.each([
    ['pending en', card()],
    ['open pt-BR with assignee and previous', card({ status: 'open', assignee: 'Ana', previousProtocol: 'P-1', locale: 'pt-BR' })],
    ['resolved messenger, no phone', card({ status: 'resolved', channel: 'messenger', customerPhone: null })],
    ['instagram with a long name', card({ channel: 'instagram', customerName: 'Nome '.repeat(20) })],
  ])('valid Block Kit: %s', (_label, c) => {
    const { text, blocks } = render(c);
    expect(text.trim()).not.toBe('');
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) {
      expect(BLOCK_TYPES.has(block.type), block.type).toBe(true);
      if (block.type === 'section') {
        expect(block.text ?? block.fields, 'a section needs text or fields').toBeDefined();
        if (block.text) {
          expect(TEXT_TYPES.has(block.text.type)).toBe(true);
          expect(block.text.text.length).toBeLessThanOrEqual(3000);
        }
        if (block.fields) {
          expect(block.fields.length).toBeLessThanOrEqual(10);
          for (const f of block.fields) {
            expect(TEXT_TYPES.has(f.type)).toBe(true);
            expect(f.text.length).toBeLessThanOrEqual(2000);
          }
        }
      }
      if (block.type === 'context') {
        expect(block.elements!.length).toBeGreaterThan(0);
        expect(block.elements!.length).toBeLessThanOrEqual(10);
        for (const e of block.elements!) expect(TEXT_TYPES.has(e.type)).toBe(true);
      }
    }
  });
});

describe('tags and contact notes on the card', () => {
  it('shows the tags and the number of contact notes only when there are some', () => {
    const plain = JSON.stringify(ticketCardBlocks(card()).blocks);
    expect(plain).not.toContain('Tags');
    expect(plain).not.toContain('Contact notes');
    const rich = JSON.stringify(ticketCardBlocks(card({ tags: ['vip', 'boleto'], contactNotes: 2 })).blocks);
    expect(rich).toContain('`vip` `boleto`');
    expect(rich).toContain('📌 2');
  });
});

describe('the reply window on the card', () => {
  it.each([
    [6 * 3_600_000, '🟢 open until'],
    [3_600_000, '🟠 closes at'],
    [-60_000, '🔴 closed'],
  ])('closes in %i ms → %s', (inMs, shown) => {
    const blocks = JSON.stringify(ticketCardBlocks(card({ windowClosesAt: new Date(Date.now() + inMs).toISOString() })).blocks);
    expect(blocks).toContain('Reply window');
    expect(blocks).toContain(shown);
  });
  it('is not shown without a window or once resolved', () => {
    expect(JSON.stringify(ticketCardBlocks(card()).blocks)).not.toContain('Reply window');
    expect(JSON.stringify(ticketCardBlocks(card({ status: 'resolved', windowClosesAt: new Date(Date.now() + 1e6).toISOString() })).blocks)).not.toContain('Reply window');
  });
});
