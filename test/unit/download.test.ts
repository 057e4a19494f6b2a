import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REDIRECTS, downloadCapped, isAllowedUrl } from '../../src/http/download.js';
import { FileTooLarge } from '../../src/core/ports.js';
import { DeliveryError } from '../../src/core/errors.js';

// The one download path for customers' and agents' files: capped while streaming (a missing or
// lying Content-Length cannot get past the counter), host-checked, redirects checked too.

let server: Server;
let base: string;
const sent: { path: string; bytes: number; aborted: boolean }[] = [];
const LOCAL = ['127.0.0.1'];
const TOKEN = 'EAAG-secret-token';
/** Every request that reached each server, with the Authorization header it carried. */
const seen: { server: 'first' | 'other'; path: string; authorization: string | undefined }[] = [];
/** A second server, reached as `localhost`: another host than `127.0.0.1` for the allow-list and the token. */
let other: Server;
let otherBase: string;

beforeAll(async () => {
  other = createServer((req, res) => {
    seen.push({ server: 'other', path: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('jpeg bytes'));
  });
  await new Promise<void>((resolve) => other.listen(0, resolve));
  const otherAddress = other.address();
  otherBase = `http://localhost:${typeof otherAddress === 'object' && otherAddress ? otherAddress.port : 0}`;
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ server: 'first', path, authorization: req.headers.authorization });
    if (path === '/redirect-other') {
      res.writeHead(302, { location: `${otherBase}/photo.jpg?sig=abc` }).end();
      return;
    }
    if (path === '/redirect-same') {
      res.writeHead(307, { location: '/lying' }).end();
      return;
    }
    if (path.startsWith('/loop')) {
      res.writeHead(302, { location: `/loop${path.length}` }).end();
      return;
    }
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
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

const failure = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);

describe('downloadCapped', () => {
  it('stops a body without Content-Length as soon as it passes the cap, and says so', async () => {
    const err = await failure(downloadCapped(`${base}/chunked`, { maxBytes: 100 * 1024, allowedHosts: LOCAL }));
    expect(err).toBeInstanceOf(FileTooLarge);
    expect((err as FileTooLarge).limitBytes).toBe(100 * 1024);
    const entry = sent.find((s) => s.path === '/chunked')!;
    // The connection is dropped: the server never gets to write the whole 64 MB.
    await new Promise<void>((resolve) => (function check() { if (entry.aborted) resolve(); else setTimeout(check, 10); })());
    expect(entry.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads a whole body within the cap, typed from the answer', async () => {
    const file = await downloadCapped(`${base}/chunked`, { maxBytes: 65 * 1024 * 1024, allowedHosts: LOCAL, fallbackName: 'doc.pdf' });
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

  it('follows a redirect to another allowed host without the bearer token', async () => {
    seen.length = 0;
    const file = await downloadCapped(`${base}/redirect-other`, { token: TOKEN, maxBytes: 1024, allowedHosts: ['127.0.0.1', 'localhost'] });
    expect(file.bytes.toString()).toBe('jpeg bytes');
    expect(seen).toEqual([
      { server: 'first', path: '/redirect-other', authorization: `Bearer ${TOKEN}` },
      { server: 'other', path: '/photo.jpg?sig=abc', authorization: undefined },
    ]);
  });

  it('keeps the token on a redirect within the same origin', async () => {
    seen.length = 0;
    const file = await downloadCapped(`${base}/redirect-same`, { token: TOKEN, maxBytes: 1024, allowedHosts: LOCAL });
    expect(file.bytes.length).toBe(10);
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('refuses a redirect to a host outside the list before any request reaches it', async () => {
    seen.length = 0;
    const err = await failure(downloadCapped(`${base}/redirect-other`, { token: TOKEN, maxBytes: 1024, allowedHosts: LOCAL }));
    expect(err).toMatchObject({ errorClass: 'unknown', retryable: false });
    expect((err as Error).message).toMatch(/not allowed: localhost:\d+$/);
    expect(seen.filter((s) => s.server === 'other')).toEqual([]);
  });

  it(`gives up after ${MAX_REDIRECTS} redirects, for good`, async () => {
    seen.length = 0;
    const err = await failure(downloadCapped(`${base}/loop`, { maxBytes: 1024, allowedHosts: LOCAL }));
    expect(err).toMatchObject({ errorClass: 'unknown', retryable: false });
    expect((err as Error).message).toContain('redirected more than');
    expect(seen.length).toBe(MAX_REDIRECTS + 1);
  });

  it('classifies answers: 403 is auth, 503 is transient (retried later)', async () => {
    expect(await failure(downloadCapped(`${base}/forbidden`, { maxBytes: 1024, allowedHosts: LOCAL }))).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(await failure(downloadCapped(`${base}/unavailable`, { maxBytes: 1024, allowedHosts: LOCAL }))).toMatchObject({ errorClass: 'transient', retryable: true });
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

  it.each([
    ['http://graph-fake:4000/media/1', true], // the local Graph fake's own host, over http
    ['https://graph-fake:4000/media/1', true],
    ['http://graph-fake:4001/media/1', false], // another port is another host
    ['http://sub.graph-fake:4000/media/1', false], // plain http matches exactly, no subdomains
    ['http://lookaside.fbsbx.com/x', false],
    ['https://lookaside.fbsbx.com/x', true],
  ])('with http allowed on graph-fake:4000: %s → %s', (url, allowed) => {
    expect(isAllowedUrl(url, ['fbsbx.com'], ['graph-fake:4000'])).toBe(allowed);
  });
});
