// A WhatsApp media URL that Graph puts outside Meta's file hosts (and outside Graph's own host)
// is never requested with the bearer token: the customer's file becomes a notice in the thread
// that says why, once, and the ticket's lane moves on. The foreign host is a second local
// server reached as `localhost` (Graph's fake is `127.0.0.1`).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waMessageOfType } from '../fixtures/meta.js';
import { eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
let foreign: Server;
let foreignBase: string;
const foreignHits: { url: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  foreign = createServer((req, res) => {
    foreignHits.push({ url: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(100, 1));
  });
  await new Promise<void>((resolve) => foreign.listen(0, resolve));
  const a = foreign.address();
  foreignBase = `http://localhost:${typeof a === 'object' && a ? a.port : 0}`;
  h = await startConnectedHarness({ PONTE_MEDIA_HOSTS: 'fbsbx.com,fbcdn.net,whatsapp.net' });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => foreign.close(() => resolve()));
});

describe('WhatsApp media hosts', () => {
  it('refuses a media URL on a foreign host for good, with the reason in the thread, and never asks that host', async () => {
    h.graph.addMedia('7100000000000001', { bytes: Buffer.alloc(100, 1), mimeType: 'image/jpeg', url: `${foreignBase}/lookaside/photo.jpg?mid=7100000000000001` });
    await h.postMeta(waMessageOfType('image', { id: '7100000000000001', caption: 'Foto' }, { from: '5511966660001', name: 'Gil Foto' }));
    const cardTs = await eventually('the card', () => [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes('Gil Foto'))?.ts);
    const notice = await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('📎')));
    expect(notice).toMatch(/host is not allowed: localhost:\d+/);
    expect(h.thread(cardTs)[0]).toBe('[image] Foto');

    await h.postMetaText('5511966660001', 'Gil Foto', 'chegou?');
    await eventually('the next text', () => h.thread(cardTs).includes('chegou?'));
    await h.ponte.sweep();
    // Not retried: Graph was asked once, and the foreign host never.
    expect(h.graph.calls.filter((c) => c.path === '/v21.0/7100000000000001')).toHaveLength(1);
    expect(foreignHits).toEqual([]);
  });
});
