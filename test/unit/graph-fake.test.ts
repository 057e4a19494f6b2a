// The fake Graph answers the WhatsApp media and template endpoints the way Graph does (documented
// shapes, Graph's error envelope), so adapter tests against it mean something. Plain fetch here:
// no adapter code in the way.
import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../fakes/graph-api.js';

const TOKEN = 'EAAG-fake-test';
const PN = '106540352242922';
let graph: FakeGraph;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  graph = await startFakeGraph({ token: TOKEN });
});
afterAll(async () => {
  await graph.close();
  nock.enableNetConnect();
});

const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
const get = (path: string, token?: string) => fetch(`${graph.url}${path}`, { headers: token === '' ? {} : bearer(token) });
const upload = (fields: Record<string, string | Blob>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v, ...(typeof v === 'string' ? [] : ['voz.ogg']));
  return fetch(`${graph.url}/v21.0/${PN}/media`, { method: 'POST', headers: bearer(), body: form });
};
const send = (body: unknown) =>
  fetch(`${graph.url}/v21.0/${PN}/messages`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('media', () => {
  const bytes = Buffer.from('a customer voice note');

  it('GET /{media_id} answers the documented fields, and the URL serves the bytes only with the bearer', async () => {
    graph.addMedia('1029393482029384', { bytes, mimeType: 'audio/ogg' });
    const res = await get('/v21.0/1029393482029384');
    expect(res.status).toBe(200);
    const info = (await res.json()) as Record<string, unknown>;
    expect(info).toEqual({
      messaging_product: 'whatsapp', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/whatsapp_business\/attachments\/\?mid=1029393482029384&/),
      mime_type: 'audio/ogg', sha256: createHash('sha256').update(bytes).digest('hex'), file_size: bytes.length, id: '1029393482029384',
    });
    const url = info.url as string;
    expect((await fetch(url)).status).toBe(401);
    const file = await fetch(url, { headers: bearer() });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("an unknown media id is Graph's unknown-object error (code 100, subcode 33); a wrong token is 190", async () => {
    const res = await get('/v21.0/555000');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, error_subcode: 33, type: 'GraphMethodException', message: expect.stringContaining("Object with ID '555000' does not exist"), fbtrace_id: expect.any(String) } });
    expect(await (await get('/v21.0/1029393482029384', 'EAAG-wrong')).json()).toMatchObject({ error: { code: 190 } });
  });

  it('POST /{phone_number_id}/media takes a multipart upload, keeps its bytes and serves it back by id', async () => {
    const res = await upload({ messaging_product: 'whatsapp', type: 'audio/ogg', file: new Blob([bytes], { type: 'audio/ogg' }) });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(graph.uploads.get(id)).toMatchObject({ phoneNumberId: PN, mimeType: 'audio/ogg', filename: 'voz.ogg', fileType: 'audio/ogg' });
    expect(graph.uploads.get(id)!.bytes.equals(bytes)).toBe(true);
    expect(await (await get(`/v21.0/${id}`)).json()).toMatchObject({ id, file_size: bytes.length });
  });

  it.each([
    ['messaging_product', { type: 'audio/ogg', file: new Blob(['x']) }],
    ['type', { messaging_product: 'whatsapp', file: new Blob(['x']) }],
    ['file', { messaging_product: 'whatsapp', type: 'audio/ogg' }],
  ])('an upload without %s is refused with code 100', async (missing, fields) => {
    const res = await upload(fields as Record<string, string | Blob>);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, error_data: { details: expect.stringContaining(missing) } } });
  });
});

describe('sends the adapter makes beyond text', () => {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321' };

  it.each([
    ['a reaction without an emoji string', { ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: null } }],
    ['a caption on audio', { ...base, type: 'audio', audio: { id: '1', caption: 'x' } }],
    ['a filename on an image', { ...base, type: 'image', image: { id: '1', filename: 'x.jpg' } }],
    ['template parameters that are not text', { ...base, type: 'template', template: { name: 't', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text' }] }] } }],
    ['a read receipt without message_id', { messaging_product: 'whatsapp', status: 'read' }],
  ])('refuses %s with code 100', async (_label, body) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100 } });
  });

  it.each([
    ['a reaction', { ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } }],
    ['a document by id with filename and caption', { ...base, type: 'document', document: { id: '1', filename: 'a.pdf', caption: 'c' } }],
    ['a template without components', { ...base, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }],
  ])('accepts %s', async (_label, body) => {
    expect((await send(body)).status).toBe(200);
  });
});

describe('message templates', () => {
  it('pages with cursors: `next` while there is more, none on the last page; only the asked fields and the id', async () => {
    graph.templates.set('W1', Array.from({ length: 5 }, (_, i) => ({ name: `t${i}`, language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] })));
    const first = (await (await get('/v21.0/W1/message_templates?fields=name,status&limit=2')).json()) as { data: object[]; paging: { cursors: { after: string }; next?: string } };
    expect(first.data).toEqual([{ name: 't0', status: 'APPROVED', id: expect.any(String) }, { name: 't1', status: 'APPROVED', id: expect.any(String) }]);
    expect(first.paging.next).toContain(`after=${first.paging.cursors.after}`);
    const second = (await (await get(first.paging.next!.slice(graph.url.length))).json()) as typeof first;
    expect(second.data.map((t) => (t as { name: string }).name)).toEqual(['t2', 't3']);
    const last = (await (await get(second.paging.next!.slice(graph.url.length))).json()) as typeof first;
    expect(last.data).toHaveLength(1);
    expect(last.paging.next).toBeUndefined();
  });

  it('an unknown WABA is an unknown object', async () => {
    expect(await (await get('/v21.0/W404/message_templates')).json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });
});
