import { describe, it, expect } from 'vitest';
import type { CustomerMessageEvent, CustomerStatusEvent } from '../../src/core/events.js';
import { isoFromUnixSeconds, messageDedupeKey, orderingKey, statusDedupeKey } from '../../channels/whatsapp/ids.js';
import { parseWhatsApp, type ParsedDelivery } from '../../channels/whatsapp/inbound.js';
import { WA_DEFAULTS, WA_ERROR_WINDOW_CLOSED, waBatch, waMessageOfType, waStatus, waTextMessage, type WaEnvelope } from '../fixtures/meta.js';

const PN = WA_DEFAULTS.phoneNumberId;
const FROM = WA_DEFAULTS.from;

function parsed(body: unknown): ParsedDelivery {
  const out = parseWhatsApp(body);
  if ('error' in out) throw new Error(`unexpected error: ${out.error}`);
  return out;
}
/** The wire form: builders → JSON text → parsed, as the route receives it. */
const wire = (env: WaEnvelope): unknown => JSON.parse(JSON.stringify(env));
const messages = (out: ParsedDelivery) => out.records.map((r) => r.event as CustomerMessageEvent);

describe('WhatsApp ids', () => {
  it('builds the documented key formats', () => {
    expect(messageDedupeKey('wamid.X')).toBe('wa:m:wamid.X');
    expect(statusDedupeKey('wamid.X', 'read')).toBe('wa:s:wamid.X:read');
    expect(orderingKey('106540352242922', '5511987654321')).toBe('wa:106540352242922:5511987654321');
    expect(isoFromUnixSeconds('1700000000')).toBe('2023-11-14T22:13:20.000Z');
  });
});

describe('parseWhatsApp: messages', () => {
  it("turns Meta's documented text message into one customer.message record", () => {
    const env = waTextMessage({ phoneNumberId: PN, from: FROM, text: 'Olá, preciso de ajuda', id: 'wamid.ABC123', timestamp: '1700000000' });
    const out = parsed(wire(env));
    expect(out.ignored).toEqual([]);
    expect(out.problems).toEqual([]);
    expect(out.records).toEqual([{
      event: {
        type: 'customer.message',
        channel: 'whatsapp',
        accountId: PN,
        externalId: 'wamid.ABC123',
        contact: { externalId: FROM, name: 'Maria Silva', phone: FROM },
        occurredAt: '2023-11-14T22:13:20.000Z',
        kind: 'text',
        text: 'Olá, preciso de ajuda',
      },
      dedupeKey: 'wa:m:wamid.ABC123',
      orderingKey: `wa:${PN}:${FROM}`,
    }]);
  });

  it('reads every entry, change and message of a batch, sorted by timestamp', () => {
    const batch = waBatch(
      waTextMessage({ phoneNumberId: PN, from: '551100000001', name: 'Ana', text: 'third', id: 'wamid.3', timestamp: 1700000300 }),
      waTextMessage({ phoneNumberId: PN, from: '551100000002', name: 'Bia', text: 'first', id: 'wamid.1', timestamp: 1700000100 }),
      waTextMessage({ phoneNumberId: '200000000000002', from: '551100000003', name: 'Caio', text: 'fourth', id: 'wamid.4', timestamp: 1700000400 }),
      waTextMessage({ phoneNumberId: '300000000000003', wabaId: '900000000000009', from: '551100000001', name: 'Ana', text: 'second', id: 'wamid.2', timestamp: 1700000200 }),
      waStatus({ phoneNumberId: PN, id: 'wamid.OUT', status: 'read', recipientId: '551100000002', timestamp: 1700000150 }),
    );
    // The batch really has several entries, several changes and several messages in one change.
    expect(batch.entry).toHaveLength(2);
    expect(batch.entry[0]!.changes).toHaveLength(2);
    expect(batch.entry[0]!.changes[0]!.value.messages).toHaveLength(2);

    const out = parsed(wire(batch));
    expect(out.problems).toEqual([]);
    expect(out.records.map((r) => (r.event as { externalId: string }).externalId)).toEqual(['wamid.1', 'wamid.OUT', 'wamid.2', 'wamid.3', 'wamid.4']);
    const byId = new Map(messages(out).map((e) => [e.externalId, e]));
    expect(byId.get('wamid.1')).toMatchObject({ accountId: PN, text: 'first', contact: { externalId: '551100000002', name: 'Bia' } });
    expect(byId.get('wamid.2')).toMatchObject({ accountId: '300000000000003', text: 'second', contact: { name: 'Ana' } });
    expect(byId.get('wamid.4')).toMatchObject({ accountId: '200000000000002', contact: { name: 'Caio' } });
    expect(out.records.find((r) => (r.event as { externalId: string }).externalId === 'wamid.2')!.orderingKey).toBe('wa:300000000000003:551100000001');
  });

  it('a message without an id is a problem; the rest of the delivery still parses', () => {
    const batch = waBatch(
      waTextMessage({ phoneNumberId: PN, from: FROM, text: 'a', id: 'wamid.A', timestamp: 1700000001 }),
      waTextMessage({ phoneNumberId: PN, from: FROM, text: 'b', id: 'wamid.B', timestamp: 1700000002 }),
      waTextMessage({ phoneNumberId: PN, from: FROM, text: 'c', id: 'wamid.C', timestamp: 1700000003 }),
    );
    delete (batch.entry[0]!.changes[0]!.value.messages![1] as { id?: string }).id;
    const out = parsed(wire(batch));
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(/id/);
    expect(out.records.map((r) => (r.event as { externalId: string }).externalId)).toEqual(['wamid.A', 'wamid.C']);
  });
});

describe('parseWhatsApp: statuses', () => {
  it.each(['sent', 'delivered', 'read'] as const)('%s → customer.status deduped per (id, status)', (status) => {
    const out = parsed(wire(waStatus({ phoneNumberId: PN, id: 'wamid.OUT1', status, recipientId: FROM, timestamp: 1700000000 })));
    expect(out.records).toEqual([{
      event: { type: 'customer.status', channel: 'whatsapp', accountId: PN, externalId: 'wamid.OUT1', contactExternalId: FROM, status, occurredAt: '2023-11-14T22:13:20.000Z', error: undefined },
      dedupeKey: `wa:s:wamid.OUT1:${status}`,
      orderingKey: `wa:${PN}:${FROM}`,
    }]);
  });

  it('sent, delivered and read of one message are three distinct dedupe keys', () => {
    const batch = waBatch(...(['sent', 'delivered', 'read'] as const).map((status, i) => waStatus({ phoneNumberId: PN, id: 'wamid.OUT2', status, recipientId: FROM, timestamp: 1700000000 + i })));
    const keys = parsed(wire(batch)).records.map((r) => r.dedupeKey);
    expect(new Set(keys).size).toBe(3);
  });

  it('a failed status carries the error code, title and details', () => {
    const out = parsed(wire(waStatus({ phoneNumberId: PN, id: 'wamid.OUT3', status: 'failed', recipientId: FROM, errors: [WA_ERROR_WINDOW_CLOSED], timestamp: 1700000000 })));
    const event = out.records[0]!.event as CustomerStatusEvent;
    expect(event.status).toBe('failed');
    expect(event.error).toEqual({ code: '131047', title: 'Re-engagement message', detail: WA_ERROR_WINDOW_CLOSED.error_data!.details });
    expect(out.records[0]!.dedupeKey).toBe('wa:s:wamid.OUT3:failed');
  });
});

describe('parseWhatsApp: envelopes', () => {
  it('a change with another field is an ignored record, not an error', () => {
    const out = parsed({ object: 'whatsapp_business_account', entry: [{ id: WA_DEFAULTS.wabaId, changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }] });
    expect(out.records).toEqual([]);
    expect(out.ignored).toEqual([{ dedupeKey: null, kind: 'whatsapp.account_update', reason: expect.any(String) }]);
  });

  it.each([
    ['wrong object', { ...waTextMessage({ phoneNumberId: PN, from: FROM, text: 'x' }), object: 'page' }],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['entry not an array', { object: 'whatsapp_business_account', entry: {} }],
    ['null', null],
    ['a string', 'whatsapp_business_account'],
  ])('%s → {error}', (_label, body) => {
    const out = parseWhatsApp(body);
    expect(out).toEqual({ error: expect.any(String) });
    expect((out as { error: string }).error.length).toBeGreaterThan(0);
  });
});

describe('parseWhatsApp: rendering each type', () => {
  const textOf = (env: WaEnvelope): string => messages(parsed(wire(env)))[0]!.text;

  it.each([
    ['text', waMessageOfType('text', { body: 'Oi, tudo bem?' }), (t: string) => expect(t).toBe('Oi, tudo bem?')],
    ['image with caption', waMessageOfType('image', { caption: 'Foto do pedido' }), (t: string) => {
      expect(t).toMatch(/image/i);
      expect(t).toContain('Foto do pedido');
    }],
    ['voice audio', waMessageOfType('audio', { voice: true }), (t: string) => expect(t).toMatch(/voice/i)],
    ['plain audio', waMessageOfType('audio', { voice: false }), (t: string) => {
      expect(t).toMatch(/audio/i);
      expect(t).not.toMatch(/voice/i);
    }],
    ['document without caption shows its filename', waMessageOfType('document', { caption: undefined, filename: 'boleto-março.pdf' }), (t: string) => {
      expect(t).toMatch(/document/i);
      expect(t).toContain('boleto-março.pdf');
    }],
    ['location', waMessageOfType('location'), (t: string) => {
      expect(t).toContain('Loja Centro');
      expect(t).toMatch(/https:\/\/\S*-23\.5505\S*-46\.6333/);
    }],
    ['location without name', waMessageOfType('location', { latitude: 38.7223, longitude: -9.1393, name: undefined, address: undefined }), (t: string) => {
      expect(t).toMatch(/https:\/\/\S*38\.7223\S*-9\.1393/);
    }],
    ['contacts', waMessageOfType('contacts', [
      { name: { formatted_name: 'João Souza' }, phones: [] },
      { name: { formatted_name: 'Ana Lima' }, phones: [] },
    ]), (t: string) => {
      expect(t).toContain('João Souza');
      expect(t).toContain('Ana Lima');
    }],
    ['reaction', waMessageOfType('reaction', { emoji: '\u{2764}\u{FE0F}' }), (t: string) => expect(t).toContain('\u{2764}\u{FE0F}')],
    ['reaction removed', waMessageOfType('reaction', { emoji: '' }), (t: string) => expect(t).toMatch(/remov/i)],
    ['button (template quick reply)', waMessageOfType('button', { text: 'Quero falar com alguém', payload: 'TALK' }), (t: string) => expect(t).toBe('Quero falar com alguém')],
    ['interactive button_reply', waMessageOfType('interactive', { type: 'button_reply', button_reply: { id: 'ok', title: 'Sim, confirmo' } }), (t: string) => expect(t).toBe('Sim, confirmo')],
    ['interactive list_reply', waMessageOfType('interactive', { type: 'list_reply', button_reply: undefined, list_reply: { id: 'sz-m', title: 'Tamanho M', description: 'Camiseta' } }), (t: string) => expect(t).toContain('Tamanho M')],
  ])('%s', (_label, env, check) => {
    check(textOf(env));
  });

  it.each(['video', 'sticker', 'system', 'unsupported', 'order', 'request_welcome'])('%s gives a readable, non-empty notice naming the type', (type) => {
    const event = messages(parsed(wire(waMessageOfType(type))))[0]!;
    expect(event.kind).toBe(type);
    expect(event.text.trim()).not.toBe('');
    expect(event.text).toContain(type);
  });
});
