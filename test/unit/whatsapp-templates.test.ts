// listTemplates against the fake Graph: cursor paging to the end, only approved templates Ponte can
// send, mapped to the core's MessageTemplate.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { GraphClient } from '../../channels/meta/graph-client.js';
import { WhatsAppChannel } from '../../channels/whatsapp/outbound.js';
import { startFakeGraph, type FakeGraph, type FakeTemplate } from '../fakes/graph-api.js';

const TOKEN = 'EAAG-templates-test';
const WABA = '102290129340398';
let graph: FakeGraph;
let wa: WhatsAppChannel;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  graph = await startFakeGraph({ token: TOKEN });
  wa = new WhatsAppChannel(new GraphClient({ baseUrl: graph.url, version: 'v21.0' }), TOKEN);
});
afterAll(async () => {
  await graph.close();
  nock.enableNetConnect();
});
beforeEach(() => {
  graph.calls.length = 0;
  graph.templates.clear();
});

const template = (name: string, body: string, extra: Partial<FakeTemplate> = {}): FakeTemplate => ({
  name, language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: body }], ...extra,
});

describe('listTemplates', () => {
  it('follows the cursors to the last page and keeps only approved templates', async () => {
    const all = Array.from({ length: 250 }, (_, i) => template(`t_${i}`, `Olá {{1}}, pedido ${i}`, { status: i % 5 === 0 ? 'REJECTED' : 'APPROVED' }));
    graph.templates.set(WABA, all);
    const listed = await wa.listTemplates({ businessAccountId: WABA, token: undefined });
    expect(listed.map((t) => t.name)).toEqual(all.filter((t) => t.status === 'APPROVED').map((t) => t.name));

    const pages = graph.calls.filter((c) => c.path === `/v21.0/${WABA}/message_templates`);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.query).toEqual({ fields: 'name,language,status,category,components', limit: '100' });
    expect(pages[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // Each later page asks with the previous page's `after` cursor.
    expect(pages[1]!.query.after).toBeTruthy();
    expect(pages[2]!.query.after).not.toBe(pages[1]!.query.after);
  });

  it('maps a template: lower-cased category, the BODY text, the highest {{n}} as the parameter count', async () => {
    graph.templates.set(WABA, [template('pedido_enviado', 'Olá {{1}}, seu pedido {{3}} saiu. Código {{2}}.', {
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Pedido' },
        { type: 'BODY', text: 'Olá {{1}}, seu pedido {{3}} saiu. Código {{2}}.' },
        { type: 'FOOTER', text: 'Loja' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Falar com alguém' }, { type: 'URL', text: 'Site', url: 'https://loja.example.com' }] },
      ],
    }), template('hello_world', 'Hello World', { language: 'en_US' })]);
    expect(await wa.listTemplates({ businessAccountId: WABA, token: undefined })).toEqual([
      { name: 'pedido_enviado', language: 'pt_BR', category: 'marketing', status: 'APPROVED', body: 'Olá {{1}}, seu pedido {{3}} saiu. Código {{2}}.', paramCount: 3 },
      { name: 'hello_world', language: 'en_US', category: 'utility', status: 'APPROVED', body: 'Hello World', paramCount: 0 },
    ]);
  });

  it.each<[string, Partial<FakeTemplate>]>([
    ['named parameters', { components: [{ type: 'BODY', text: 'Olá {{first_name}}' }] }],
    ['an image header', { components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Veja' }] }],
    ['a header variable', { components: [{ type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}' }, { type: 'BODY', text: 'Oi' }] }],
    ['a URL button variable', { components: [{ type: 'BODY', text: 'Oi' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Rastrear', url: 'https://x.example/{{1}}' }] }] }],
    ['a one-time-password button', { category: 'AUTHENTICATION', components: [{ type: 'BODY', text: '{{1}} is your code' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copy' }] }] }],
  ])('leaves out a template that needs more than body parameters: %s', async (_label, extra) => {
    graph.templates.set(WABA, [template('needs_more', 'x', extra), template('plain', 'Oi {{1}}')]);
    expect((await wa.listTemplates({ businessAccountId: WABA, token: undefined })).map((t) => t.name)).toEqual(['plain']);
  });

  it('an empty WABA lists nothing in one request', async () => {
    graph.templates.set(WABA, []);
    expect(await wa.listTemplates({ businessAccountId: WABA, token: undefined })).toEqual([]);
    expect(graph.calls).toHaveLength(1);
  });

  it('a WABA Graph does not know, or a bad token, is a classified DeliveryError', async () => {
    const unknown = await wa.listTemplates({ businessAccountId: '404404', token: undefined }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DeliveryError);
    expect(unknown).toMatchObject({ errorClass: 'unknown', code: '100' });
    graph.templates.set(WABA, []);
    const auth = await wa.listTemplates({ businessAccountId: WABA, token: 'EAAG-revoked' }).catch((e: unknown) => e);
    expect(auth).toMatchObject({ errorClass: 'auth', code: '190' });
  });
});
