import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WA_DEFAULTS, escapeNonAscii, waMessageOfType, waTextMessage, type WaEnvelope } from '../fixtures/meta.js';
import { CHANNEL, PHONE_ID, SECRETS, eventually, nextAgentTs, startConnectedHarness, type Harness } from '../support/harness.js';
import type { GraphCall } from '../fakes/graph-api.js';

// Image cap of 0.001 MB (1049 bytes): a 600-byte photo passes, a 4 KB one does not.
const IMAGE_LIMIT = 'image=0.001';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness({ PONTE_MEDIA_LIMITS: IMAGE_LIMIT });
});
afterAll(async () => h?.close());

/** The ts of a customer's ticket card (the thread root), once it is posted. */
const cardOf = (name: string) =>
  eventually(`the card for ${name}`, () => [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes(name))?.ts);
const threadMessages = (cardTs: string) => [...h.slack.messages.values()].filter((m) => m.thread_ts === cardTs);
const uploadsInto = (cardTs: string) => [...h.slack.uploads.values()].filter((u) => u.completed?.thread_ts === cardTs);
const sendsTo = (to: string) => h.graph.sends().filter((c) => (c.body as { to?: string }).to === to);
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));

describe('customers’ messages arrive the way Meta delivers them', () => {
  it('mirrors every message of a delivery with several entries and changes, per customer, in timestamp order', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const ana = (text: string, dt: number) => waTextMessage({ phoneNumberId: PHONE_ID, from: '5511944440001', name: 'Ana Batch', text, timestamp: t0 + dt });
    const bia = (text: string, dt: number) => waTextMessage({ phoneNumberId: PHONE_ID, from: '5511944440002', name: 'Bia Batch', text, timestamp: t0 + dt });
    const change = (env: WaEnvelope) => env.entry[0]!.changes[0]!;
    // Two entries, the first with two changes, the second with a change holding messages of both
    // customers; nothing in timestamp order.
    const mixed = change(ana('a3', 5));
    const b2 = change(bia('b2', 4)).value;
    mixed.value.messages!.push(...b2.messages!);
    mixed.value.contacts!.push(...b2.contacts!);
    const delivery = {
      object: 'whatsapp_business_account',
      entry: [
        { id: WA_DEFAULTS.wabaId, changes: [change(bia('b1', 1)), change(ana('a2', 3))] },
        { id: WA_DEFAULTS.wabaId, changes: [mixed, change(ana('a1', 0))] },
      ],
    };

    expect((await h.postMeta(delivery)).statusCode).toBe(200);
    const anaTs = await cardOf('Ana Batch');
    const biaTs = await cardOf('Bia Batch');
    await eventually('all of Ana’s messages', () => h.thread(anaTs).length === 3);
    await eventually('all of Bia’s messages', () => h.thread(biaTs).length === 2);
    expect(h.thread(anaTs)).toEqual(['a1', 'a2', 'a3']);
    expect(h.thread(biaTs)).toEqual(['b1', 'b2']);
  });

  it('verifies a body with \\uXXXX-escaped text over its raw bytes and shows the text readable', async () => {
    const text = 'Olá! Não recebi o pedido 😕 — ação urgente, por favor 👍🏽';
    const raw = escapeNonAscii(JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511944440003', name: 'Conceição', text })));
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(raw).toContain('\\ud83d\\ude15'); // the emoji as a surrogate pair, as Meta escapes it
    const res = await h.postMeta(raw);
    expect(res.statusCode).toBe(200);
    const cardTs = await cardOf('Conceição');
    const post = await eventually('the message', () => threadMessages(cardTs)[0]);
    expect(post.text).toBe(text);
    expect(post.username).toBe('Conceição');
  });
});

describe('customers’ files', () => {
  it('fetches an image with the bearer token and uploads the same bytes into the thread, after its caption', async () => {
    const photo = bytes(600, 7);
    h.graph.addMedia('7000000000000001', { bytes: photo, mimeType: 'image/jpeg' });
    const res = await h.postMeta(waMessageOfType('image', { id: '7000000000000001', caption: 'Foto do pedido' }, { from: '5511944440004', name: 'Dora Foto' }));
    expect(res.statusCode).toBe(200);
    const cardTs = await cardOf('Dora Foto');
    const upload = await eventually('the upload in the thread', () => uploadsInto(cardTs)[0]);

    const info = h.graph.calls.find((c) => c.method === 'GET' && c.path === `/v21.0/7000000000000001`)!;
    expect(info.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    const download = h.graph.calls.find((c) => c.method === 'GET' && c.path.startsWith('/whatsapp_business/attachments'))!;
    expect(download.query.mid).toBe('7000000000000001');
    expect(download.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    expect(info.at).toBeLessThanOrEqual(download.at);

    // Slack's files v2 flow: the bytes went to upload_url, and the upload was completed into the thread.
    expect(upload.bytes?.equals(photo)).toBe(true);
    expect(upload.completed).toMatchObject({ channel_id: CHANNEL, thread_ts: cardTs });
    expect(upload.completed?.initial_comment).toMatch(/^Dora Foto/);
    expect(h.slack.callsTo('files.getUploadURLExternal').some((c) => c.params.length === '600')).toBe(true);
    // The caption line first, then the file.
    const order = threadMessages(cardTs);
    expect(order[0]?.text).toBe('[image] Foto do pedido');
    expect(order.findIndex((m) => m.files?.[0]?.id === upload.fileId)).toBeGreaterThan(0);
  });

  it('explains an image over the cap in the thread, keeps its caption, uploads nothing, and moves on', async () => {
    h.graph.addMedia('7000000000000002', { bytes: bytes(4096, 3), mimeType: 'image/jpeg' });
    await h.postMeta(waMessageOfType('image', { id: '7000000000000002', caption: 'Foto grande' }, { from: '5511944440005', name: 'Edu Grande' }));
    const cardTs = await cardOf('Edu Grande');
    const notice = await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('📎')));
    expect(notice).toContain('larger than Ponte’s 0.001 MB limit');
    expect(h.thread(cardTs)[0]).toBe('[image] Foto grande');
    // Refused on Graph's file_size, before any download.
    expect(h.graph.calls.some((c) => c.path.startsWith('/whatsapp_business/attachments') && c.query.mid === '7000000000000002')).toBe(false);

    await h.postMetaText('5511944440005', 'Edu Grande', 'depois da foto');
    await eventually('the next text', () => h.thread(cardTs).includes('depois da foto'));
    expect(uploadsInto(cardTs)).toEqual([]);
  });

  it('explains a media id Graph no longer knows, and the lane moves on', async () => {
    await h.postMeta(waMessageOfType('document', { id: '7000000000000404', filename: 'nota.pdf', caption: 'Nota' }, { from: '5511944440006', name: 'Fabi Velha' }));
    const cardTs = await cardOf('Fabi Velha');
    const notice = await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('📎')));
    expect(notice).toMatch(/expire 7 days/);
    expect(h.thread(cardTs)[0]).toBe('[document] nota.pdf — Nota');

    await h.postMetaText('5511944440006', 'Fabi Velha', 'mandei de novo?');
    await eventually('the next text', () => h.thread(cardTs).includes('mandei de novo?'));
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    // Asked once: a file that is gone is not retried.
    expect(h.graph.calls.filter((c) => c.path === '/v21.0/7000000000000404')).toHaveLength(1);
    expect(uploadsInto(cardTs)).toEqual([]);
  });
});

describe('agents’ files', () => {
  /** What Graph holds under the media id a send names (`{type, [type]: {id}}`). */
  const uploadsFor = (send: GraphCall) => {
    const body = send.body as { type: string } & Record<string, { id?: string }>;
    return h.graph.uploads.get(body[body.type]?.id ?? '');
  };

  it('uploads an agent’s PDF to Graph and sends it as a document, the signed text of the same message its caption', async () => {
    const cardTs = await h.customerWrites('5511944440007', 'Gil Doc', 'pode mandar o boleto?');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), bytes(2000, 11)]);
    const file = h.slack.registerFile({ name: 'boleto.pdf', bytes: pdf });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'segue o boleto', threadTs: cardTs, subtype: 'file_share', files: [file] });

    const doc = await eventually('the document send', () => sendsTo('5511944440007')[0]);
    expect(sendsTo('5511944440007')).toHaveLength(1); // one message: the text is the caption
    expect(doc.body).toMatchObject({ messaging_product: 'whatsapp', to: '5511944440007', type: 'document', document: { filename: 'boleto.pdf', caption: '*Maria:*\nsegue o boleto' } });
    // Read from Slack with the bot token; uploaded to the number's media edge, multipart, same bytes.
    expect(h.slack.fileDownloads).toContainEqual({ fileId: file.id, authorized: true });
    const upload = h.graph.calls.find((c) => c.method === 'POST' && c.path === `/v21.0/${PHONE_ID}/media`)!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(upload.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    expect(upload.at).toBeLessThanOrEqual(doc.at);
    const stored = uploadsFor(doc)!;
    expect(stored.bytes.equals(pdf)).toBe(true);
    expect(stored).toMatchObject({ phoneNumberId: PHONE_ID, mimeType: 'application/pdf', filename: 'boleto.pdf' });
  });

  it('sends the text first, then each file, when files are several or the kind shows no caption', async () => {
    const cardTs = await h.customerWrites('5511944440009', 'Ivo Audio', 'manda os arquivos');
    const pdf = h.slack.registerFile({ name: 'a.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), bytes(300, 3)]) });
    const pdf2 = h.slack.registerFile({ name: 'b.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), bytes(300, 4)]) });
    const ogg = h.slack.registerFile({ name: 'recado.ogg', bytes: Buffer.concat([Buffer.from('OggS'), bytes(300, 6)]) });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'os dois', threadTs: cardTs, subtype: 'file_share', files: [pdf, pdf2] });
    await eventually('text and two documents', () => sendsTo('5511944440009').length === 3);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'ouça', threadTs: cardTs, subtype: 'file_share', files: [ogg] });
    await eventually('text and the audio file', () => sendsTo('5511944440009').length === 5);
    const types = sendsTo('5511944440009').map((c) => (c.body as { type: string }).type);
    expect(types.slice(0, 3)).toEqual(['text', 'document', 'document']);
    expect(types[3]).toBe('text');
    expect((sendsTo('5511944440009')[3]!.body as { text: { body: string } }).text.body).toBe('*Maria:*\nouça');
    expect(sendsTo('5511944440009').slice(1).every((c) => !JSON.stringify(c.body).includes('caption'))).toBe(true);
  });

  it('sends a files-only message’s file, and an image as an image', async () => {
    const cardTs = await h.customerWrites('5511944440008', 'Hana Img', 'manda a foto');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes(900, 5)]);
    const file = h.slack.registerFile({ name: 'produto.png', bytes: png });
    const ts = nextAgentTs();
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '', threadTs: cardTs, subtype: 'file_share', files: [file], ts });

    const sent = await eventually('the image send', () => sendsTo('5511944440008')[0]);
    expect(sendsTo('5511944440008')).toHaveLength(1); // no empty text before it
    expect(sent.body).toMatchObject({ type: 'image', image: { id: expect.any(String) } });
    expect((sent.body as { image: Record<string, unknown> }).image).not.toHaveProperty('filename');
    expect(uploadsFor(sent)!.bytes.equals(png)).toBe(true);
    // The agent's message gets the ✔️ mark once the file has left.
    await eventually('the sent mark', () => h.slack.callsTo('reactions.add').some((c) => c.params.name === 'heavy_check_mark' && c.params.timestamp === ts));
  });
});
