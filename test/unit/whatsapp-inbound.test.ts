import { describe, it, expect } from 'vitest';
import type { CustomerMessageEvent, CustomerStatusEvent } from '../../src/core/events.js';
import { isoFromUnixSeconds, messageDedupeKey, orderingKey, statusDedupeKey } from '../../channels/whatsapp/ids.js';
import { parseWhatsApp, type ParsedDelivery } from '../../channels/whatsapp/inbound.js';
import {
  WA_AD_REFERRAL, WA_DEFAULTS, WA_ERROR_WINDOW_CLOSED, escapeNonAscii, waBatch, waFlowReply, waMessageOfType, waStatus, waTextMessage, waValueErrors, type WaEnvelope,
} from '../fixtures/meta.js';

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
        businessAccountId: WA_DEFAULTS.wabaId,
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
    // Each message carries the WABA of its own entry.
    expect(byId.get('wamid.2')!.businessAccountId).toBe('900000000000009');
    expect(byId.get('wamid.4')!.businessAccountId).toBe(WA_DEFAULTS.wabaId);
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

  it('played (a voice message the customer played) is understood as read, and kept apart from read', () => {
    const out = parsed(wire(waBatch(
      waStatus({ phoneNumberId: PN, id: 'wamid.VOICE', status: 'read', recipientId: FROM, timestamp: 1700000000 }),
      waStatus({ phoneNumberId: PN, id: 'wamid.VOICE', status: 'played', recipientId: FROM, timestamp: 1700000005 }),
    )));
    expect(out.problems).toEqual([]);
    expect(out.records.map((r) => [(r.event as CustomerStatusEvent).status, r.dedupeKey])).toEqual([
      ['read', 'wa:s:wamid.VOICE:read'],
      ['read', 'wa:s:wamid.VOICE:played'],
    ]);
  });

  it('a failed status carries the error code, title and details', () => {
    const out = parsed(wire(waStatus({ phoneNumberId: PN, id: 'wamid.OUT3', status: 'failed', recipientId: FROM, errors: [WA_ERROR_WINDOW_CLOSED], timestamp: 1700000000 })));
    const event = out.records[0]!.event as CustomerStatusEvent;
    expect(event.status).toBe('failed');
    expect(event.error).toEqual({ code: '131047', title: 'Re-engagement message', detail: WA_ERROR_WINDOW_CLOSED.error_data!.details, errorClass: 'window_closed' });
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


describe('parseWhatsApp: escaped unicode', () => {
  it('reads \\uXXXX-escaped bodies (accents, emoji as surrogate pairs) as readable text', () => {
    const text = 'Olá, não recebi o pedido 😢 — ação urgente ❤️';
    const raw = escapeNonAscii(JSON.stringify(waTextMessage({ phoneNumberId: PN, from: FROM, name: 'José Conceição', text })));
    // The wire really is escaped, as Meta sends it…
    expect(raw).toContain('Ol\\u00e1');
    expect(raw).toContain('\\ud83d\\ude22');
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    // …and the event reads as the customer wrote it.
    const event = messages(parsed(JSON.parse(raw)))[0]!;
    expect(event.text).toBe(text);
    expect(event.contact.name).toBe('José Conceição');
  });
});

describe('parseWhatsApp: each message type', () => {
  const one = (env: WaEnvelope): CustomerMessageEvent => {
    const out = parsed(wire(env));
    expect(out.problems).toEqual([]);
    expect(out.records).toHaveLength(1);
    return out.records[0]!.event as CustomerMessageEvent;
  };

  it('text: the body itself, nothing else', () => {
    const e = one(waMessageOfType('text', { body: 'Oi, tudo bem?' }));
    expect(e).toMatchObject({ kind: 'text', text: 'Oi, tudo bem?' });
    for (const key of ['media', 'replyTo', 'reaction', 'moved', 'referral'] as const) expect(e).not.toHaveProperty(key);
  });

  it.each([
    ['image', {}, '[image] Foto do pedido', { kind: 'image', id: '1003383421387256', mimeType: 'image/jpeg' }],
    ['image', { caption: undefined }, '[image]', { kind: 'image', id: '1003383421387256', mimeType: 'image/jpeg' }],
    ['video', {}, '[video] Vídeo', { kind: 'video', id: '1094853781932146', mimeType: 'video/mp4' }],
    ['audio', { voice: true }, '[voice message]', { kind: 'audio', id: '1029393482029384', mimeType: 'audio/ogg; codecs=opus' }],
    ['audio', { voice: false, mime_type: 'audio/mpeg' }, '[audio]', { kind: 'audio', id: '1029393482029384', mimeType: 'audio/mpeg' }],
    ['document', {}, '[document] nota.pdf — Nota fiscal', { kind: 'document', id: '1092837465019283', mimeType: 'application/pdf', filename: 'nota.pdf' }],
    ['document', { caption: undefined, filename: 'boleto-março.pdf' }, '[document] boleto-março.pdf', { kind: 'document', id: '1092837465019283', mimeType: 'application/pdf', filename: 'boleto-março.pdf' }],
    ['sticker', {}, '[sticker]', { kind: 'sticker', id: '1028374650192837', mimeType: 'image/webp' }],
  ])('%s %j → %j with its media reference', (type, body, text, ref) => {
    const e = one(waMessageOfType(type, body));
    expect(e.kind).toBe(type);
    expect(e.text).toBe(text);
    expect(e.media).toEqual([ref]);
  });

  it('location: name, address, a map link with the coordinates and the place URL', () => {
    const e = one(waMessageOfType('location', { url: 'https://loja.example.com' }));
    expect(e.text).toBe('[location] Loja Centro, Praça da Sé, São Paulo https://maps.google.com/?q=-23.5505,-46.6333 https://loja.example.com');
    expect(one(waMessageOfType('location', { latitude: 38.7223, longitude: -9.1393, name: undefined, address: undefined })).text)
      .toBe('[location] https://maps.google.com/?q=38.7223,-9.1393');
  });

  it('contacts: each card with its formatted name, phones and emails', () => {
    expect(one(waMessageOfType('contacts')).text).toBe('[contact] João Souza · +55 11 91234-5678 · joao@example.com');
    const two = one(waMessageOfType('contacts', [
      { name: { formatted_name: 'João Souza' }, phones: [{ phone: '+55 11 91234-5678' }, { phone: '+55 11 3333-4444' }] },
      { name: { first_name: 'Ana', last_name: 'Lima' }, emails: [{ email: 'ana@example.com' }] },
    ]));
    expect(two.text).toBe('[contacts]\nJoão Souza · +55 11 91234-5678 · +55 11 3333-4444\nAna Lima · ana@example.com');
  });

  it('interactive button_reply: the button title', () => {
    expect(one(waMessageOfType('interactive', { type: 'button_reply', button_reply: { id: 'ok', title: 'Sim, confirmo' } })).text).toBe('Sim, confirmo');
  });

  it('interactive list_reply: the row title and its description', () => {
    const row = { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' };
    expect(one(waMessageOfType('interactive', { type: 'list_reply', button_reply: undefined, list_reply: row })).text).toBe('Priority Mail Express — Next Day to 2 Days');
    expect(one(waMessageOfType('interactive', { type: 'list_reply', button_reply: undefined, list_reply: { id: 'm', title: 'Tamanho M' } })).text).toBe('Tamanho M');
  });

  it('interactive nfm_reply (Flows): [form] and the answers, without the flow token', () => {
    const e = one(waFlowReply({ flow_token: 'SECRET-TOKEN', screen_0_First_name_0: 'Maria', email: 'maria@example.com', screen_1_Topics_1: ['entrega', 'troca'], consent: true }));
    expect(e.text).toBe('[form] First name: Maria; email: maria@example.com; Topics: entrega, troca; consent: true');
    expect(e.text).not.toContain('SECRET-TOKEN');
  });

  it('interactive nfm_reply with unreadable or empty answers falls back to its body', () => {
    expect(one(waMessageOfType('interactive', { type: 'nfm_reply', button_reply: undefined, nfm_reply: { name: 'flow', body: 'Sent', response_json: '{not json' } })).text).toBe('[form] Sent');
    expect(one(waFlowReply({ flow_token: 'T' })).text).toBe('[form] Sent');
  });

  it('button (template quick reply): its text', () => {
    expect(one(waMessageOfType('button', { text: 'Quero falar com alguém', payload: 'TALK' })).text).toBe('Quero falar com alguém');
  });

  it('reaction: the target message and the emoji', () => {
    const e = one(waMessageOfType('reaction', { message_id: 'wamid.OURS', emoji: '\u{1F44D}' }));
    expect(e.reaction).toEqual({ targetExternalId: 'wamid.OURS', emoji: '👍' });
    expect(e.text).toBe('[reaction] 👍');
  });

  it.each([
    ['omitted (documented)', { message_id: 'wamid.OURS', emoji: undefined }],
    ['empty', { message_id: 'wamid.OURS', emoji: '' }],
  ])('reaction with the emoji %s: a removal (emoji null)', (_label, body) => {
    const env = waMessageOfType('reaction', body);
    const e = one(env);
    expect(e.reaction).toEqual({ targetExternalId: 'wamid.OURS', emoji: null });
    expect(e.text).toBe('[reaction removed]');
  });

  it('order: the items, quantities and prices, and the note', () => {
    expect(one(waMessageOfType('order')).text).toBe('[order] 2 × SKU-CAMISETA-M (59.9 BRL) Entregar à tarde');
  });

  it('context with an id: replyTo is the quoted message', () => {
    const e = one(waMessageOfType('text', { body: 'Este aqui' }, { context: { from: WA_DEFAULTS.displayPhoneNumber, id: 'wamid.QUOTED' } }));
    expect(e.replyTo).toBe('wamid.QUOTED');
    expect(e.text).toBe('Este aqui');
  });

  it.each([
    ['forwarded', { forwarded: true }],
    ['frequently_forwarded', { frequently_forwarded: true }],
  ])('context %s: the text says so', (_label, context) => {
    const e = one(waMessageOfType('image', { caption: 'olha isso' }, { context }));
    expect(e.text).toBe('[forwarded] [image] olha isso');
    expect(e).not.toHaveProperty('replyTo');
  });

  it('referral (click-to-WhatsApp ad): source, headline and URL; the message is rendered by its type', () => {
    const e = one(waMessageOfType('text', { body: 'Quero saber mais' }, { referral: WA_AD_REFERRAL }));
    expect(e.referral).toEqual({ source: 'ad', headline: 'Summer Succulents are here!', url: 'https://fb.me/3cr4Wqqkv' });
    expect(e.text).toBe('Quero saber mais');
    const audio = one(waMessageOfType('audio', {}, { referral: { ...WA_AD_REFERRAL, headline: undefined } }));
    expect(audio.referral).toEqual({ source: 'ad', url: 'https://fb.me/3cr4Wqqkv' });
    expect(audio.media).toHaveLength(1);
  });

  it('system user_changed_number (documented: the new id in wa_id): the move and the body', () => {
    const e = one(waMessageOfType('system'));
    expect(e.moved).toEqual({ phone: '5511999990000' });
    expect(e.text).toBe('[system] User Maria Silva changed from 5511987654321 to 5511999990000');
    // No contacts array in system webhooks: the contact has no name, and that is fine.
    expect(e.contact).toEqual({ externalId: FROM, name: undefined, phone: FROM });
  });

  it('system user_changed_number with the older new_wa_id; without a body, a readable line', () => {
    const e = one(waMessageOfType('system', { body: undefined, wa_id: undefined, new_wa_id: '5511977776666' }));
    expect(e.moved).toEqual({ phone: '5511977776666' });
    expect(e.text).toBe('[system] The customer changed their WhatsApp number.');
  });

  it('another system type: its body, and no new id', () => {
    const e = one(waMessageOfType('system', { type: 'customer_identity_changed', body: 'User identity changed', wa_id: undefined, identity: 'abc' }));
    expect(e.text).toBe('[system] User identity changed');
    expect(e).not.toHaveProperty('moved');
  });

  it('unsupported (131051): a notice naming the type, saying WhatsApp\'s API does not support it and what to resend', () => {
    const e = one(waMessageOfType('unsupported', { type: 'poll_creation' }));
    expect(e.kind).toBe('unsupported');
    expect(e.text).toMatch(/^\[unsupported message: poll_creation\] /);
    expect(e.text).toContain("not supported by WhatsApp's API (code 131051)");
    expect(e.text).toMatch(/resend it as text, a photo, a video, a document or a voice message/);
  });

  it('unsupported 131060 (message unavailable): a notice asking for it again', () => {
    const e = one(waMessageOfType('unsupported', { type: undefined }, { errors: [{ code: 131060, title: 'This message is currently unavailable.' }] }));
    expect(e.text).toMatch(/^\[unsupported message\] .*code 131060.*send it again/);
  });

  it('a type Ponte does not know: a notice naming it, never silence', () => {
    const e = one(waMessageOfType('call_permission_reply', { response: 'accept' }));
    expect(e.kind).toBe('call_permission_reply');
    expect(e.text).toMatch(/^\[call_permission_reply message\] Ponte cannot show this type of message yet\./);
  });

  it('request_welcome: an ignored record, not a message', () => {
    const out = parsed(wire(waMessageOfType('request_welcome', undefined, { id: 'wamid.WELCOME' })));
    expect(out.records).toEqual([]);
    expect(out.problems).toEqual([]);
    expect(out.ignored).toEqual([{ dedupeKey: 'wa:m:wamid.WELCOME', kind: 'whatsapp.request_welcome', reason: 'request_welcome' }]);
  });
});

describe('parseWhatsApp: webhook-level errors', () => {
  it('value.errors[] become problems with their codes; the messages beside them still parse', () => {
    const batch = waBatch(
      waValueErrors([{ code: 131000, title: 'Something went wrong', message: 'Something went wrong', error_data: { details: 'Unknown error' } }]),
      waTextMessage({ phoneNumberId: PN, from: FROM, text: 'still here', id: 'wamid.OK', timestamp: 1700000000 }),
    );
    expect(batch.entry[0]!.changes).toHaveLength(1);
    const out = parsed(wire(batch));
    expect(out.problems).toEqual([`WhatsApp reported error 131000 (Something went wrong) for number ${PN}`]);
    expect(messages(out).map((e) => e.text)).toEqual(['still here']);
  });

  it('an unreadable error entry is a problem too, not a crash', () => {
    const env = waValueErrors([]);
    (env.entry[0]!.changes[0]!.value as { errors: unknown[] }).errors = [{ title: 'no code' }, 'junk'];
    expect(parsed(wire(env)).problems).toEqual(['unreadable webhook error', 'unreadable webhook error']);
  });
});
