// Every WhatsAppChannel method against the local fake Graph API, through the real GraphClient
// (HTTP on 127.0.0.1): the request shapes Graph receives, the upload → send sequence, the
// media downgrade and size rules, media download, templates, reactions and read receipts.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { FileTooLarge, type FileBytes } from '../../src/core/ports.js';
import { GraphClient } from '../../channels/meta/graph-client.js';
import { WhatsAppChannel } from '../../channels/whatsapp/outbound.js';
import { startFakeGraph, type FakeGraph, type GraphCall } from '../fakes/graph-api.js';

const TOKEN = 'EAAG-outbound-test';
const PN = '106540352242922';
const TO = '5511987654321';
let graph: FakeGraph;
let wa: WhatsAppChannel;
const auth = { accountId: PN, token: undefined };

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  graph = await startFakeGraph({ token: TOKEN });
  wa = new WhatsAppChannel(new GraphClient({ baseUrl: graph.url, version: 'v21.0', timeoutMs: 500 }), TOKEN);
});
afterAll(async () => {
  await graph.close();
  nock.enableNetConnect();
});
beforeEach(() => {
  graph.calls.length = 0;
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
const asDelivery = async (p: Promise<unknown>) => {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
};

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
// The first Ogg page of an Opus stream: capture pattern, header fields, then the OpusHead packet.
const OGG_OPUS = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(16)]);
const OGG_VORBIS = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('\x01vorbis'), Buffer.alloc(16)]);
const file = (mimeType: string, bytes: Buffer = JPEG, filename = 'file.bin'): FileBytes => ({ bytes, mimeType, filename });
const uploadsAndSends = () => graph.calls.filter((c) => c.method === 'POST').map((c) => c.path.split('/').pop());

describe('send (text)', () => {
  it('posts the documented text body and returns the wamid', async () => {
    const { externalId } = await wa.send({ ...auth, to: TO, text: '*Ana:*\nOlá' });
    expect(externalId).toMatch(/^wamid\./);
    const [call] = graph.sends();
    expect(call!.path).toBe(`/v21.0/${PN}/messages`);
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'text', text: { body: '*Ana:*\nOlá', preview_url: false } });
  });

  it("uses the connection's own token over the default, and refuses without any token", async () => {
    const noDefault = new WhatsAppChannel(new GraphClient({ baseUrl: graph.url, version: 'v21.0' }), undefined);
    await noDefault.send({ accountId: PN, token: TOKEN, to: TO, text: 'x' });
    expect(graph.sends()[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const err = await asDelivery(noDefault.send({ accountId: PN, token: undefined, to: TO, text: 'x' }));
    expect(err.errorClass).toBe('auth');
    expect(graph.sends()).toHaveLength(1);
  });
});

describe('sendMedia', () => {
  it('uploads the file (multipart: file with name and type, type, messaging_product), then sends it by id with the caption', async () => {
    const { externalId } = await wa.sendMedia({ ...auth, to: TO, file: file('image/jpeg', JPEG, 'foto.jpg'), kind: 'image', caption: 'Seu pedido' });
    expect(externalId).toMatch(/^wamid\./);
    expect(uploadsAndSends()).toEqual(['media', 'messages']);
    const upload = graph.calls.find((c) => c.path === `/v21.0/${PN}/media`)!;
    expect(upload.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload.body).toMatchObject({ messaging_product: 'whatsapp', type: 'image/jpeg', file: { filename: 'foto.jpg', type: 'image/jpeg' } });
    const [mediaId, stored] = [...graph.uploads].at(-1)!;
    expect(stored.bytes.equals(JPEG)).toBe(true);
    expect(graph.sends()[0]!.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'image', image: { id: mediaId, caption: 'Seu pedido' } });
  });

  it('sends a document with its filename and caption', async () => {
    await wa.sendMedia({ ...auth, to: TO, file: file('application/pdf', Buffer.from('%PDF-1.7'), 'boleto.pdf'), kind: 'document', caption: 'Boleto' });
    const body = graph.sends()[0]!.body as { type: string; document: Record<string, string> };
    expect(body.type).toBe('document');
    expect(body.document).toEqual({ id: expect.any(String), filename: 'boleto.pdf', caption: 'Boleto' });
  });

  it.each<[string, 'image' | 'video' | 'audio' | 'sticker', string, string, Buffer]>([
    ['jpeg image', 'image', 'image', 'image/jpeg', JPEG],
    ['png image', 'image', 'image', 'image/png', JPEG],
    ['gif image', 'image', 'document', 'image/gif', JPEG],
    ['webp image', 'image', 'document', 'image/webp', JPEG],
    ['mp4 video', 'video', 'video', 'video/mp4', JPEG],
    ['3gpp video', 'video', 'video', 'video/3gpp', JPEG],
    ['quicktime video', 'video', 'document', 'video/quicktime', JPEG],
    ['mp3 audio', 'audio', 'audio', 'audio/mpeg', JPEG],
    ['aac audio', 'audio', 'audio', 'audio/aac', JPEG],
    ['wav audio', 'audio', 'document', 'audio/wav', JPEG],
    ['ogg audio declared opus', 'audio', 'audio', 'audio/ogg; codecs=opus', OGG_VORBIS],
    ['ogg audio with an Opus stream', 'audio', 'audio', 'audio/ogg', OGG_OPUS],
    ['ogg audio with a Vorbis stream', 'audio', 'document', 'audio/ogg', OGG_VORBIS],
    ['webp sticker', 'sticker', 'sticker', 'image/webp', JPEG],
    ['png sticker', 'sticker', 'document', 'image/png', JPEG],
  ])('%s, hinted as %s, is sent as %s', async (_label, hint, sentAs, mimeType, bytes) => {
    await wa.sendMedia({ ...auth, to: TO, file: file(mimeType, bytes, 'x'), kind: hint });
    const body = graph.sends()[0]!.body as Record<string, unknown>;
    expect(body.type).toBe(sentAs);
    expect(body[sentAs]).toMatchObject({ id: expect.any(String) });
    // The upload declares the file's own type, without parameters.
    expect((graph.calls.find((c) => c.path.endsWith('/media'))!.body as { type: string }).type).toBe(mimeType.split(';')[0]);
  });

  it.each(['audio', 'sticker'] as const)('puts no caption on %s (WhatsApp shows none)', async (kind) => {
    const f = kind === 'audio' ? file('audio/mpeg') : file('image/webp');
    await wa.sendMedia({ ...auth, to: TO, file: f, kind, caption: 'ignored' });
    expect(graph.sends()[0]!.body).toMatchObject({ type: kind, [kind]: { id: expect.any(String) } });
    expect((graph.sends()[0]!.body as Record<string, Record<string, unknown>>)[kind]).not.toHaveProperty('caption');
  });

  it("a photo over WhatsApp's 5 MB image limit still goes, as a document", async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    // 5 MB through the fake needs more than the 500 ms the timeout tests use, on a busy machine.
    const roomy = new WhatsAppChannel(new GraphClient({ baseUrl: graph.url, version: 'v21.0', timeoutMs: 10_000 }), TOKEN);
    await roomy.sendMedia({ ...auth, to: TO, file: file('image/jpeg', big, 'grande.jpg'), kind: 'image' });
    expect(graph.sends()[0]!.body).toMatchObject({ type: 'document', document: { filename: 'grande.jpg' } });
    expect([...graph.uploads.values()].at(-1)!.bytes.length).toBe(big.length);
  });

  it('a file over the 100 MB document limit is refused before any upload, naming the limit', async () => {
    const err = await asDelivery(wa.sendMedia({ ...auth, to: TO, file: file('application/zip', Buffer.alloc(100 * 1024 * 1024 + 1)), kind: 'document' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('100 MB');
    expect(graph.calls).toEqual([]);
  });

  it('an upload that fails or times out is retryable and certain (nothing reached the customer); no send follows', async () => {
    graph.failNext({ status: 500, error: { message: 'An unexpected error has occurred.', type: 'OAuthException', code: 2 } });
    const failed = await asDelivery(wa.sendMedia({ ...auth, to: TO, file: file('image/jpeg'), kind: 'image' }));
    expect(failed).toMatchObject({ errorClass: 'transient', retryable: true, uncertain: false });

    graph.hangNext(2000);
    const hung = await asDelivery(wa.sendMedia({ ...auth, to: TO, file: file('image/jpeg'), kind: 'image' }));
    expect(hung).toMatchObject({ errorClass: 'transient', retryable: true, uncertain: false });
    expect(graph.sends()).toEqual([]);
  });

  it('a send that times out after the upload is uncertain (the message may have left)', async () => {
    graph.hangNext(0); // the upload answers at once…
    graph.hangNext(2000); // …the send hangs past the client's timeout
    const err = await asDelivery(wa.sendMedia({ ...auth, to: TO, file: file('image/jpeg'), kind: 'image' }));
    expect(err).toMatchObject({ errorClass: 'transient', uncertain: true });
    expect(uploadsAndSends()).toEqual(['media', 'messages']);
  });
});

describe('fetchMedia', () => {
  const PHOTO = Buffer.from('\xff\xd8 a customer photo', 'latin1');

  it('asks Graph for the URL (checked against the number), then downloads that URL with the same bearer', async () => {
    graph.addMedia('1003383421387256', { bytes: PHOTO, mimeType: 'image/jpeg' });
    const got = await wa.fetchMedia({ ...auth, media: { kind: 'image', id: '1003383421387256', mimeType: 'image/jpeg' }, maxBytes: 1024 });
    expect(got).toEqual({ bytes: PHOTO, mimeType: 'image/jpeg', filename: 'image.jpg' });
    const [info, download] = graph.calls as [GraphCall, GraphCall];
    expect(info).toMatchObject({ method: 'GET', path: '/v21.0/1003383421387256', query: { phone_number_id: PN } });
    expect(info.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(download.path).toBe('/whatsapp_business/attachments/');
    expect(download.query.mid).toBe('1003383421387256');
    expect(download.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("keeps a document's filename; names other files by kind and type", async () => {
    graph.addMedia('D1', { bytes: Buffer.from('%PDF'), mimeType: 'application/pdf' });
    graph.addMedia('A1', { bytes: OGG_OPUS, mimeType: 'audio/ogg; codecs=opus' });
    expect((await wa.fetchMedia({ ...auth, media: { kind: 'document', id: 'D1', filename: 'nota março.pdf' }, maxBytes: 1024 })).filename).toBe('nota março.pdf');
    expect(await wa.fetchMedia({ ...auth, media: { kind: 'audio', id: 'A1' }, maxBytes: 1024 })).toMatchObject({ filename: 'audio.ogg', mimeType: 'audio/ogg' });
  });

  it('refuses a file over the cap from its declared size, before downloading anything', async () => {
    graph.addMedia('BIG', { bytes: Buffer.alloc(2048), mimeType: 'video/mp4' });
    const err = await rejection(wa.fetchMedia({ ...auth, media: { kind: 'video', id: 'BIG' }, maxBytes: 2047 }));
    expect(err).toBeInstanceOf(FileTooLarge);
    expect(err).toMatchObject({ limitBytes: 2047, sizeBytes: 2048 });
    expect(graph.calls.map((c) => c.path)).toEqual(['/v21.0/BIG']);
  });

  it('a media id Graph does not know (expired after 7 days) is a clear, non-retryable error', async () => {
    const err = await asDelivery(wa.fetchMedia({ ...auth, media: { kind: 'image', id: '999000111' }, maxBytes: 1024 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/no longer has this file.*7 days/);
    expect(graph.calls).toHaveLength(1);
  });

  it('a reference without a media id is refused without a request', async () => {
    const err = await asDelivery(wa.fetchMedia({ ...auth, media: { kind: 'image', url: 'https://example.com/x.jpg' }, maxBytes: 1024 }));
    expect(err.retryable).toBe(false);
    expect(graph.calls).toEqual([]);
  });

  it('a Graph outage while asking for the URL is retryable', async () => {
    graph.failNext({ status: 503, error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2 } });
    expect(await asDelivery(wa.fetchMedia({ ...auth, media: { kind: 'image', id: '1003383421387256' }, maxBytes: 1024 }))).toMatchObject({ retryable: true, uncertain: false });
  });
});

describe('sendTemplate', () => {
  it('sends the template with a body component of text parameters', async () => {
    await wa.sendTemplate({ ...auth, to: TO, template: { name: 'pedido_enviado', language: 'pt_BR', params: ['Maria', '#1234'] } });
    expect(graph.sends()[0]!.body).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'template',
      template: { name: 'pedido_enviado', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }, { type: 'text', text: '#1234' }] }] },
    });
  });

  it('omits components when the template takes no parameters', async () => {
    await wa.sendTemplate({ ...auth, to: TO, template: { name: 'hello_world', language: 'en_US', params: [] } });
    expect((graph.sends()[0]!.body as { template: object }).template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it('classifies a refusal by its code', async () => {
    graph.failNext({ status: 400, error: { message: '(#132001) Template name does not exist in the translation', type: 'OAuthException', code: 132001, error_data: { details: 'template name (nope) does not exist in pt_BR' } } });
    const err = await asDelivery(wa.sendTemplate({ ...auth, to: TO, template: { name: 'nope', language: 'pt_BR', params: [] } }));
    expect(err).toMatchObject({ errorClass: 'unknown', retryable: false, code: '132001' });
    expect(err.message).toContain('does not exist in pt_BR');
  });
});

describe('react and markRead', () => {
  it('reacts with an emoji, and removes the reaction with an empty one', async () => {
    await wa.react({ ...auth, to: TO, externalId: 'wamid.CUSTOMER1', emoji: '👍' });
    await wa.react({ ...auth, to: TO, externalId: 'wamid.CUSTOMER1', emoji: null });
    expect(graph.sends().map((c) => c.body)).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'reaction', reaction: { message_id: 'wamid.CUSTOMER1', emoji: '👍' } },
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'reaction', reaction: { message_id: 'wamid.CUSTOMER1', emoji: '' } },
    ]);
  });

  it('marks a message as read with the documented body', async () => {
    await expect(wa.markRead({ ...auth, to: TO, externalId: 'wamid.CUSTOMER2' })).resolves.toBeUndefined();
    expect(graph.sends()[0]!.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.CUSTOMER2' });
  });

  it('a rate-limited read receipt carries Retry-After', async () => {
    graph.failNext({ status: 429, retryAfter: 9 });
    expect(await asDelivery(wa.markRead({ ...auth, to: TO, externalId: 'wamid.X' }))).toMatchObject({ errorClass: 'rate_limited', retryAfterSeconds: 9, code: '130429' });
  });
});
