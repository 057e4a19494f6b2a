// Parsing WhatsApp deliveries of customers with usernames and BSUIDs (Meta, 2026), and the rule
// that every item of a batch stands alone: what cannot be read is named (field and what was
// wrong, never the content) and the rest goes on.
import { describe, expect, it } from 'vitest';
import type { CustomerMessageEvent, CustomerStatusEvent } from '../../src/core/events.js';
import { isBusinessScopedId, orderingKey } from '../../channels/whatsapp/ids.js';
import { parseWhatsApp, type ParsedDelivery } from '../../channels/whatsapp/inbound.js';
import { bsuidStatus, bsuidText, userIdChanged } from '../fixtures/whatsapp-usernames.js';
import { waBatch, waTextMessage } from '../fixtures/meta.js';

const PNID = '106540352242922';
const parse = (body: unknown): ParsedDelivery => {
  const out = parseWhatsApp(body);
  if ('error' in out) throw new Error(out.error);
  return out;
};
const valueOf = (env: unknown) => (env as { entry: { changes: { value: Record<string, unknown[]> }[] }[] }).entry[0]!.changes[0]!.value;

describe('WhatsApp usernames and BSUIDs', () => {
  it('a message with only a BSUID (no wa_id, no from) is read, keyed and ordered by the BSUID, with the username', () => {
    const out = parse(bsuidText({ phoneNumberId: PNID, userId: 'BR.1502576394655843', username: 'bia.loja', name: 'Bia', text: 'oi' }));
    expect(out.problems).toEqual([]);
    const { event, orderingKey: key } = out.records[0]!;
    expect((event as CustomerMessageEvent).contact).toEqual({ externalId: 'BR.1502576394655843', userId: 'BR.1502576394655843', name: 'Bia', username: 'bia.loja' });
    expect(key).toBe(orderingKey(PNID, 'BR.1502576394655843'));
  });

  it('with both, the BSUID keys the contact and the phone is kept beside it', () => {
    const out = parse(bsuidText({ phoneNumberId: PNID, userId: 'BR.77', phone: '5511912345678', text: 'oi' }));
    expect((out.records[0]!.event as CustomerMessageEvent).contact).toMatchObject({ externalId: 'BR.77', userId: 'BR.77', phone: '5511912345678' });
  });

  it('a customer from before BSUIDs (wa_id and from only) is keyed by the phone, as always', () => {
    const out = parse(waTextMessage({ phoneNumberId: PNID, from: '5511987654321', text: 'oi', name: 'Maria' }));
    expect((out.records[0]!.event as CustomerMessageEvent).contact).toEqual({ externalId: '5511987654321', phone: '5511987654321', name: 'Maria' });
  });

  it('a status with only recipient_user_id matches by the BSUID; with neither id it is named as a problem', () => {
    const ok = parse(bsuidStatus({ phoneNumberId: PNID, id: 'wamid.A', status: 'delivered', userId: 'BR.9' }));
    expect((ok.records[0]!.event as CustomerStatusEvent).contactExternalId).toBe('BR.9');
    const env = bsuidStatus({ phoneNumberId: PNID, id: 'wamid.B', status: 'read', userId: 'BR.9' });
    delete (valueOf(env).statuses![0] as Record<string, unknown>).recipient_user_id;
    const bad = parse(env);
    expect(bad.records).toEqual([]);
    expect(bad.problems).toEqual(['status not read: statuses.0 (read) has neither recipient_id nor recipient_user_id']);
  });

  it('user_changed_user_id moves the contact from the previous BSUID to the new one', () => {
    const out = parse(userIdChanged({ phoneNumberId: PNID, previous: 'BR.1', next: 'BR.2' }));
    const e = out.records[0]!.event as CustomerMessageEvent;
    expect(e.contact).toEqual({ externalId: 'BR.1', userId: 'BR.1' });
    expect(e.moved).toEqual({ userId: 'BR.2' });
  });

  it('user_changed_number with the new BSUID and the previous one moves both ids', () => {
    const env = userIdChanged({ phoneNumberId: PNID, previous: 'BR.1', next: 'BR.2' });
    const m = valueOf(env).messages![0] as Record<string, unknown>;
    m.from = '5511900000001';
    m.system = { body: 'User A changed from 5511900000001 to 5511900000002', type: 'user_changed_number', wa_id: '5511900000002', previous_user_id: 'BR.1', user_id: 'BR.2' };
    const e = parse(env).records[0]!.event as CustomerMessageEvent;
    expect(e.contact).toEqual({ externalId: 'BR.1', userId: 'BR.1', phone: '5511900000001' });
    expect(e.moved).toEqual({ phone: '5511900000002', userId: 'BR.2' });
  });

  it('tells a BSUID from a phone number', () => {
    expect(isBusinessScopedId('BR.1502576394655843')).toBe(true);
    expect(isBusinessScopedId('US.ENT.11815799212886844830')).toBe(true);
    expect(isBusinessScopedId('5511987654321')).toBe(false);
    expect(isBusinessScopedId('br.123')).toBe(false);
  });
});

describe('every item of a batch stands alone', () => {
  it('a message without an id, an unreadable contact and a status without ids never drop their good siblings', () => {
    const env = waBatch(
      waTextMessage({ phoneNumberId: PNID, from: '5511900000010', text: 'segredo do cliente', name: 'A' }),
      waTextMessage({ phoneNumberId: PNID, from: '5511900000011', text: 'bom', name: 'B' }),
      bsuidStatus({ phoneNumberId: PNID, id: 'wamid.S1', status: 'sent', userId: 'BR.5' }),
      bsuidStatus({ phoneNumberId: PNID, id: 'wamid.S2', status: 'sent', userId: 'BR.6' }),
    );
    const v = valueOf(env);
    delete (v.messages![0] as Record<string, unknown>).id;
    (v.contacts![1] as Record<string, unknown>).wa_id = 5511900000011; // a number where a string belongs
    delete (v.statuses![1] as Record<string, unknown>).recipient_user_id;
    const out = parse(env);
    expect(out.records.map((r) => r.event.type)).toEqual(['customer.message', 'customer.status']);
    expect((out.records[0]!.event as CustomerMessageEvent).text).toBe('bom');
    expect(out.problems).toEqual([
      'contact not read: contacts.1.wa_id: expected string, received number',
      'message not read: messages.0.id: expected string, received undefined',
      'status not read: statuses.1 (sent) has neither recipient_id nor recipient_user_id',
    ]);
    // The reasons name fields, never what the customer wrote.
    expect(out.problems.join(' ')).not.toContain('segredo');
  });

  it('a change whose value lacks metadata is named by the missing field', () => {
    const env = waTextMessage({ phoneNumberId: PNID, from: '5511900000012', text: 'x' });
    delete valueOf(env).metadata;
    expect(parse(env).problems).toEqual(['change in entry 102290129340398 not read: value.metadata: expected object, received undefined']);
  });
});
