// GraphClient over real HTTP: what it sends (bearer, JSON vs multipart, encoded queries), how it
// reports Graph's errors, and whether a transport failure may have reached Graph (`uncertain`).
import { createServer } from 'node:net';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { GraphClient, GraphError } from '../../channels/meta/graph-client.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph-api.js';

const TOKEN = 'EAAG-client-test';
let graph: FakeGraph;
let client: GraphClient;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  graph = await startFakeGraph({ token: TOKEN });
  client = new GraphClient({ baseUrl: `${graph.url}/`, version: 'v21.0', timeoutMs: 300 });
});
afterAll(async () => {
  await graph.close();
  nock.enableNetConnect();
});
beforeEach(() => {
  graph.calls.length = 0;
});

const failure = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => err);

describe('GraphClient requests', () => {
  it('get: bearer token, version in the path, query values encoded', async () => {
    graph.addMedia('123', { bytes: Buffer.from('x'), mimeType: 'text/plain' });
    await client.get('123', TOKEN, { phone_number_id: '1 2&3' });
    const [call] = graph.calls;
    expect(call).toMatchObject({ method: 'GET', path: '/v21.0/123', query: { phone_number_id: '1 2&3' } });
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('post: a JSON body declared as JSON', async () => {
    await client.post('106540352242922/messages', TOKEN, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' });
    expect(graph.calls[0]!.headers['content-type']).toBe('application/json');
    expect(graph.calls[0]!.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' });
  });

  it('postForm: multipart with the boundary fetch writes, never a JSON content type', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', 'text/plain');
    form.append('file', new Blob(['olá'], { type: 'text/plain' }), 'nota.txt');
    const answer = await client.postForm<{ id: string }>('106540352242922/media', TOKEN, form);
    expect(answer.id).toMatch(/^\d+$/);
    expect(String(graph.calls[0]!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(graph.uploads.get(answer.id)!.bytes.toString('utf8')).toBe('olá');
  });
});

describe('GraphClient failures', () => {
  it("a Graph error answer is a GraphError with the status, Graph's error object and Retry-After", async () => {
    graph.failNext({ status: 429, retryAfter: 12 });
    const err = await failure(client.post('1/messages', TOKEN, {}));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 12, error: { code: 130429, type: 'OAuthException' } });
  });

  it('an unknown object keeps its subcode', async () => {
    const err = await failure(client.get('4040404', TOKEN));
    expect(err).toMatchObject({ status: 400, error: { code: 100, error_subcode: 33 } });
  });

  it('a timeout after the request left is transient and uncertain', async () => {
    graph.hangNext(2000);
    const err = await failure(client.post('1/messages', TOKEN, {}));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ errorClass: 'transient', uncertain: true });
    expect((err as Error).message).toContain('timed out');
  });

  it('a refused connection never left: transient and certain', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const closed = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v21.0' });
    const err = await failure(closed.post('1/messages', TOKEN, {}));
    expect(err).toMatchObject({ errorClass: 'transient', uncertain: false });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });
});
