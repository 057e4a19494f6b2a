import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCapped, isAllowedUrl } from '../../src/http/download.js';
import { FileTooLarge } from '../../src/core/ports.js';
import { DeliveryError } from '../../src/core/errors.js';

// The one download path for customers' and agents' files: capped while streaming (a missing or
// lying Content-Length cannot get past the counter), host-checked, redirects checked too.

let server: Server;
let base: string;
const sent: { path: string; bytes: number; aborted: boolean }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/chunked') {
      // No Content-Length: 64 MB in 64 KB chunks, written only as fast as the client reads.
      res.writeHead(200, { 'content-type': 'application/pdf' });
      const entry = { path, bytes: 0, aborted: false };
      sent.push(entry);
      res.on('close', () => (entry.aborted = !res.writableFinished));
      let i = 0;
      const write = () => {
        while (i < 1024) {
          if (res.destroyed) return;
          i += 1;
          entry.bytes += 64 * 1024;
          if (!res.write(Buffer.alloc(64 * 1024, i % 256))) return void res.once('drain', write);
        }
        res.end();
      };
      write();
      return;
    }
    if (path === '/lying') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(10) });
      res.end(Buffer.alloc(10, 1));
      return;
    }
    if (path === '/redirect-out') {
      res.writeHead(302, { location: 'http://localhost:1/elsewhere' });
      res.end();
      return;
    }
    if (path === '/forbidden') {
      res.writeHead(403).end();
      return;
    }
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

const failure = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);

describe('downloadCapped', () => {
  it('stops a body without Content-Length as soon as it passes the cap, and says so', async () => {
    const err = await failure(downloadCapped(`${base}/chunked`, { maxBytes: 100 * 1024 }));
    expect(err).toBeInstanceOf(FileTooLarge);
    expect((err as FileTooLarge).limitBytes).toBe(100 * 1024);
    const entry = sent.find((s) => s.path === '/chunked')!;
    // The connection is dropped: the server never gets to write the whole 64 MB.
    await new Promise<void>((resolve) => (function check() { if (entry.aborted) resolve(); else setTimeout(check, 10); })());
    expect(entry.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads a whole body within the cap, typed from the answer', async () => {
    const file = await downloadCapped(`${base}/chunked`, { maxBytes: 65 * 1024 * 1024, fallbackName: 'doc.pdf' });
    expect(file.bytes.length).toBe(64 * 1024 * 1024);
    expect(file).toMatchObject({ mimeType: 'application/pdf', filename: 'doc.pdf' });
  });

  it('refuses hosts outside the allow-list before asking, and redirects that leave it', async () => {
    const before = sent.length;
    const outside = await failure(downloadCapped('https://evil.example/x.pdf', { maxBytes: 1024, allowedHosts: ['fbcdn.net'] }));
    expect(outside).toBeInstanceOf(DeliveryError);
    expect((outside as DeliveryError).retryable).toBe(false);
    expect((outside as DeliveryError).message).toContain('evil.example');
    expect((outside as DeliveryError).message).not.toContain('x.pdf');
    const redirected = await failure(downloadCapped(`${base}/redirect-out`, { maxBytes: 1024, allowedHosts: ['127.0.0.1'] }));
    expect(redirected).toBeInstanceOf(DeliveryError);
    expect((redirected as DeliveryError).message).toMatch(/not allowed: localhost:1/);
    expect(sent.length).toBe(before);
  });

  it('classifies answers: 403 is auth, 503 is transient (retried later)', async () => {
    expect(await failure(downloadCapped(`${base}/forbidden`, { maxBytes: 1024 }))).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(await failure(downloadCapped(`${base}/unavailable`, { maxBytes: 1024 }))).toMatchObject({ errorClass: 'transient', retryable: true });
  });
});

describe('isAllowedUrl', () => {
  it.each([
    ['https://scontent.xx.fbcdn.net/v/t1/a.jpg', true],
    ['https://fbcdn.net/a.jpg', true],
    ['https://notfbcdn.net/a.jpg', false],
    ['https://fbcdn.net.evil.example/a.jpg', false],
    ['http://scontent.xx.fbcdn.net/a.jpg', false], // plain http only for loopback fakes
    ['http://127.0.0.1:8080/a.jpg', true],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedUrl(url, ['fbcdn.net', '127.0.0.1'])).toBe(allowed);
  });
});
