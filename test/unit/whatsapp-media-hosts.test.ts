import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../../channels/meta/graph-client.js';
import { WhatsAppChannel } from '../../channels/whatsapp/outbound.js';
import { DeliveryError } from '../../src/core/errors.js';

// Graph's `GET /{media_id}` says where a customer's file is, and the download carries the bearer
// token. Ponte downloads only from Meta's file hosts (or Graph's own host, for local fakes) and
// the token never reaches another host, not even through a redirect. Two local servers model
// two hosts: Graph at `127.0.0.1:<port>`, the foreign one at `localhost:<port>`.

const TOKEN = 'EAAG-whatsapp-token';
const PHONE = '106540352242922';
let graphServer: Server;
let foreignServer: Server;
let graphBase: string;
let foreignBase: string;
/** Where `GET /v21.0/{id}` says the file is, per id. */
const mediaUrls = new Map<string, () => string>();
const foreignHits: { path: string; authorization: string | undefined }[] = [];

const port = (s: Server) => {
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
};

beforeAll(async () => {
  foreignServer = createServer((req, res) => {
    foreignHits.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('foreign bytes'));
  });
  await new Promise<void>((resolve) => foreignServer.listen(0, resolve));
  foreignBase = `http://localhost:${port(foreignServer)}`;
  graphServer = createServer((req, res) => {
    const path = req.url ?? '/';
    const object = /^\/v21\.0\/([^/?]+)/.exec(path);
    if (object && mediaUrls.has(object[1]!)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', url: mediaUrls.get(object[1]!)!(), mime_type: 'image/jpeg', file_size: 13, id: object[1] }));
      return;
    }
    if (path.startsWith('/files/redirect')) {
      res.writeHead(302, { location: `${foreignBase}/cdn/photo.jpg?sig=1` }).end();
      return;
    }
    if (path.startsWith('/files/own')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('own bytes'));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => graphServer.listen(0, '127.0.0.1', resolve));
  graphBase = `http://127.0.0.1:${port(graphServer)}`;
  mediaUrls.set('OWN', () => `${graphBase}/files/own?mid=OWN`);
  mediaUrls.set('FOREIGN', () => `${foreignBase}/lookaside/photo.jpg?mid=FOREIGN`);
  mediaUrls.set('EVIL', () => 'https://evil.example/photo.jpg?mid=EVIL');
  mediaUrls.set('REDIRECT', () => `${graphBase}/files/redirect?mid=REDIRECT`);
});
afterAll(async () => {
  await new Promise<void>((resolve) => graphServer.close(() => resolve()));
  await new Promise<void>((resolve) => foreignServer.close(() => resolve()));
});
beforeEach(() => void (foreignHits.length = 0));

const channel = (mediaHosts?: string[]) => new WhatsAppChannel(new GraphClient({ baseUrl: graphBase, version: 'v21.0' }), TOKEN, { mediaHosts });
const fetchOf = (wa: WhatsAppChannel, id: string) => wa.fetchMedia({ accountId: PHONE, token: undefined, media: { kind: 'image', id }, maxBytes: 1024 });
const failure = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);

describe('WhatsApp media hosts', () => {
  it('downloads from Graph’s own host (a local fake) with the token', async () => {
    const file = await fetchOf(channel(), 'OWN');
    expect(file.bytes.toString()).toBe('own bytes');
  });

  it.each(['FOREIGN', 'EVIL'])('a media URL Graph puts on a foreign host (%s) is refused for good, and never requested', async (id) => {
    const err = await failure(fetchOf(channel(['fbsbx.com']), id));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ errorClass: 'unknown', retryable: false });
    expect((err as Error).message).toMatch(/host is not allowed/);
    expect(foreignHits).toEqual([]);
  });

  it('Meta’s file hosts are the default list', async () => {
    expect(await failure(fetchOf(channel(), 'FOREIGN'))).toMatchObject({ retryable: false });
    expect(foreignHits).toEqual([]);
  });

  it('a redirect from Graph’s host to a foreign host is refused before the foreign host is asked', async () => {
    const err = await failure(fetchOf(channel(['fbsbx.com']), 'REDIRECT'));
    expect(err).toMatchObject({ errorClass: 'unknown', retryable: false });
    expect(foreignHits).toEqual([]);
  });

  it('a redirect to another allowed host is followed without the token', async () => {
    const file = await fetchOf(channel(['fbsbx.com', 'localhost']), 'REDIRECT');
    expect(file.bytes.toString()).toBe('foreign bytes');
    expect(foreignHits).toEqual([{ path: '/cdn/photo.jpg?sig=1', authorization: undefined }]);
  });
});
