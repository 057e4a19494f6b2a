import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { FileTooLarge } from '../../src/core/ports.js';
import { GraphClient } from '../../channels/meta/graph-client.js';
import { MessengerChannel } from '../../channels/messenger/outbound.js';
import { startFakeMessenger, type FakeMessenger } from '../fakes/messenger-api.js';
import { listenLocal, sendJson, type LocalServer } from '../fakes/local-server.js';

const PAGE = '682498302938465';
const IG = '17841400008460056';
const PSID = '7254181427954402';
const IGSID = '6580112508712443';
const PAGE_TOKEN = 'EAAG-page-token';
const IG_TOKEN = 'EAAG-ig-token';

let fake: FakeMessenger;
let files: LocalServer;
let fileRequests: { url: string; authorization: string | undefined }[];
let messenger: MessengerChannel;
let instagram: MessengerChannel;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  fake = await startFakeMessenger({ accounts: [{ id: PAGE, kind: 'messenger', token: PAGE_TOKEN }, { id: IG, kind: 'instagram', token: IG_TOKEN }] });
  fileRequests = [];
  // Stands in for Meta's CDN: the attachment URL from a webhook.
  files = await listenLocal((req, res) => {
    fileRequests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    if (req.url?.startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.end(Buffer.alloc(4096));
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.end(Buffer.from('jpeg-bytes'));
  });
  const graph = new GraphClient({ baseUrl: fake.url, version: fake.version });
  messenger = new MessengerChannel('messenger', graph, PAGE_TOKEN, { allowedHosts: ['127.0.0.1'] });
  instagram = new MessengerChannel('instagram', graph, IG_TOKEN, { allowedHosts: ['127.0.0.1'] });
});

afterEach(() => {
  fake.calls.length = 0;
  fake.state.windowClosed.clear();
  fake.state.unavailable.clear();
  fileRequests.length = 0;
});

afterAll(async () => {
  await Promise.all([fake.close(), files.close()]);
  nock.enableNetConnect();
});

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

describe('MessengerChannel.send', () => {
  it('posts the documented RESPONSE body to /{page}/messages with the page token', async () => {
    const { externalId } = await messenger.send({ accountId: PAGE, token: undefined, to: PSID, text: 'Olá!' });
    expect(externalId).toMatch(/^m_/);
    const [call] = fake.calls;
    expect(call?.path).toBe(`/${fake.version}/${PAGE}/messages`);
    expect(call?.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
    expect(call?.body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Olá!' } });
  });

  it('a human agent after the window tags the message HUMAN_AGENT, which the platform then accepts', async () => {
    fake.state.windowClosed.add(PSID);
    const closed = await rejection(messenger.send({ accountId: PAGE, token: undefined, to: PSID, text: 'late' }));
    expect(closed).toMatchObject({ errorClass: 'window_closed', retryable: false });
    await messenger.send({ accountId: PAGE, token: undefined, to: PSID, text: 'late, by a person', humanAgent: true });
    expect(fake.texts()).toEqual([{ accountId: PAGE, to: PSID, text: 'late, by a person', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }]);
  });

  it("uses the connection's own token over the default, and says so when there is none", async () => {
    const wrong = await rejection(messenger.send({ accountId: PAGE, token: 'not-the-token', to: PSID, text: 'x' }));
    expect(wrong).toMatchObject({ errorClass: 'auth', retryable: false, code: '190' });
    const none = new MessengerChannel('instagram', new GraphClient({ baseUrl: fake.url, version: fake.version }), undefined, { allowedHosts: [] });
    const missing = await rejection(none.send({ accountId: IG, token: undefined, to: IGSID, text: 'x' }));
    expect(missing.errorClass).toBe('auth');
    expect(missing.message).toContain('INSTAGRAM_ACCESS_TOKEN');
    expect(fake.calls).toHaveLength(1);
  });

  it('Instagram counts bytes: 1000 bytes pass, 1001 are refused by the platform (not retried)', async () => {
    await instagram.send({ accountId: IG, token: undefined, to: IGSID, text: 'ã'.repeat(500) });
    const over = await rejection(instagram.send({ accountId: IG, token: undefined, to: IGSID, text: `${'ã'.repeat(500)}!` }));
    expect(over).toMatchObject({ errorClass: 'unknown', retryable: false, code: '100' });
    expect(fake.texts()).toHaveLength(1);
  });

  it('an unreachable person is invalid_recipient; a throttled send keeps Retry-After', async () => {
    fake.state.unavailable.add(PSID);
    expect(await rejection(messenger.send({ accountId: PAGE, token: undefined, to: PSID, text: 'x' }))).toMatchObject({ errorClass: 'invalid_recipient' });
    fake.failNext({ status: 429, retryAfter: 12 });
    expect(await rejection(instagram.send({ accountId: IG, token: undefined, to: IGSID, text: 'x' }))).toMatchObject({ errorClass: 'rate_limited', retryable: true, retryAfterSeconds: 12 });
  });

  it('a 200 without a message id is uncertain, never resent', async () => {
    const odd = await listenLocal((_req, res) => sendJson(res, 200, { recipient_id: PSID }));
    try {
      const channel = new MessengerChannel('messenger', new GraphClient({ baseUrl: `http://127.0.0.1:${odd.port}`, version: 'v21.0' }), PAGE_TOKEN, { allowedHosts: [] });
      expect(await rejection(channel.send({ accountId: PAGE, token: undefined, to: PSID, text: 'x' }))).toMatchObject({ errorClass: 'unknown', uncertain: true });
    } finally {
      await odd.close();
    }
  });
});

describe('MessengerChannel.sendMedia', () => {
  const file = { bytes: Buffer.from('%PDF-1.4 fake'), mimeType: 'application/pdf', filename: 'nota.pdf' };

  it('Messenger uploads the file with the send as multipart (recipient, message, filedata)', async () => {
    const { externalId } = await messenger.sendMedia({ accountId: PAGE, token: undefined, to: PSID, file, kind: 'document' });
    expect(externalId).toMatch(/^m_/);
    const [call] = fake.calls;
    expect(call?.form).toBe(true);
    expect(call?.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'file', payload: { is_reusable: false } } },
      filedata: { name: 'nota.pdf', type: 'application/pdf', size: file.bytes.length },
    });
    expect(call?.status).toBe(200);
  });

  it('a human agent after the window tags the upload too; a sticker goes as an image', async () => {
    fake.state.windowClosed.add(PSID);
    await messenger.sendMedia({ accountId: PAGE, token: undefined, to: PSID, file: { ...file, mimeType: 'image/webp', filename: 's.webp' }, kind: 'sticker', humanAgent: true });
    expect(fake.calls[0]?.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { attachment: { type: 'image' } } });
  });

  it('Instagram refuses files that have no public URL, without calling and without retry', async () => {
    const err = await rejection(instagram.sendMedia({ accountId: IG, token: undefined, to: IGSID, file, kind: 'image' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('public URL');
    expect(fake.calls).toEqual([]);
  });

  it('Instagram sends a file by the URL the core serves it at, to me/messages', async () => {
    const url = 'https://ponte.example.com/media/abc';
    const { externalId } = await instagram.sendMedia({ accountId: IG, token: undefined, to: IGSID, file, kind: 'document', url });
    expect(externalId).toBeTruthy();
    expect(fake.calls[0]?.path).toBe(`/${fake.version}/me/messages`);
    expect(fake.calls[0]?.body).toEqual({ recipient: { id: IGSID }, messaging_type: 'RESPONSE', message: { attachment: { type: 'file', payload: { url } } } });
  });
});

describe('MessengerChannel.fetchMedia', () => {
  const url = () => `http://127.0.0.1:${files.port}/v/t1/photo.jpg?oh=sig`;

  it('downloads the webhook URL from an allowed host, without any token', async () => {
    const got = await messenger.fetchMedia({ accountId: PAGE, token: PAGE_TOKEN, media: { kind: 'image', url: url() }, maxBytes: 1024 });
    expect(got).toEqual({ bytes: Buffer.from('jpeg-bytes'), mimeType: 'image/jpeg', filename: 'photo.jpg' });
    expect(fileRequests).toEqual([{ url: '/v/t1/photo.jpg?oh=sig', authorization: undefined }]);
  });

  it('refuses a host outside the allow-list before fetching, and stops at the cap', async () => {
    const strict = new MessengerChannel('messenger', new GraphClient({ baseUrl: fake.url, version: fake.version }), PAGE_TOKEN, { allowedHosts: ['fbcdn.net'] });
    const refused = await rejection(strict.fetchMedia({ accountId: PAGE, token: undefined, media: { kind: 'image', url: url() }, maxBytes: 1024 }));
    expect(refused.retryable).toBe(false);
    expect(fileRequests).toEqual([]);
    await expect(messenger.fetchMedia({ accountId: PAGE, token: undefined, media: { kind: 'video', url: `http://127.0.0.1:${files.port}/big.mp4` }, maxBytes: 1024 })).rejects.toBeInstanceOf(FileTooLarge);
    await expect(messenger.fetchMedia({ accountId: PAGE, token: undefined, media: { kind: 'image' }, maxBytes: 1024 })).rejects.toBeInstanceOf(DeliveryError);
  });
});

describe('MessengerChannel sender actions', () => {
  it('react and unreact name the message; mark_seen marks the conversation', async () => {
    await instagram.react({ accountId: IG, token: undefined, to: IGSID, externalId: 'aWdfM1', emoji: '\u{2764}\u{FE0F}' });
    await messenger.react({ accountId: PAGE, token: undefined, to: PSID, externalId: 'm_M1', emoji: null });
    await messenger.markRead({ accountId: PAGE, token: undefined, to: PSID, externalId: 'm_M2' });
    expect(fake.actions().map((c) => [c.path.split('/')[2], c.body, c.status])).toEqual([
      // Instagram sends go to `me` (the token's Page), Messenger to the page id.
      ['me', { recipient: { id: IGSID }, sender_action: 'react', payload: { message_id: 'aWdfM1', reaction: '\u{2764}\u{FE0F}' } }, 200],
      [PAGE, { recipient: { id: PSID }, sender_action: 'unreact', payload: { message_id: 'm_M1' } }, 200],
      [PAGE, { recipient: { id: PSID }, sender_action: 'mark_seen' }, 200],
    ]);
  });

  it('a refused sender action is a classified DeliveryError', async () => {
    fake.state.unavailable.add(PSID);
    expect(await rejection(messenger.markRead({ accountId: PAGE, token: undefined, to: PSID, externalId: 'm_M2' }))).toMatchObject({ errorClass: 'invalid_recipient' });
  });
});

describe('MessengerChannel.lookupContact', () => {
  it('reads a Messenger customer’s first and last name, and an Instagram customer’s name or @username', async () => {
    fake.state.profiles.set(PSID, { first_name: 'Ana', last_name: 'Lima' });
    fake.state.profiles.set(IGSID, { username: 'ana.lima' });
    expect(await messenger.lookupContact({ accountId: PAGE, token: undefined, externalId: PSID })).toEqual({ name: 'Ana Lima' });
    expect(await instagram.lookupContact({ accountId: IG, token: undefined, externalId: IGSID })).toEqual({ name: '@ana.lima' });
    const asked = fake.calls.filter((c) => c.method === 'GET').map((c) => [c.path.split('/').pop(), c.query.fields]);
    expect(asked).toEqual([[PSID, 'first_name,last_name'], [IGSID, 'name,username']]);
  });

  it('a refused lookup is a classified DeliveryError (the core then keeps the id)', async () => {
    fake.state.profiles.set(PSID, { first_name: 'Ana' });
    expect(await rejection(messenger.lookupContact({ accountId: PAGE, token: 'wrong', externalId: PSID }))).toMatchObject({ errorClass: 'auth' });
  });
});
