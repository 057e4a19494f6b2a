// The files part of the channel contract, through the `CustomerChannel` port against the
// adapter's fake: a customer's file comes back byte for byte with its type; a file over the cap
// is FileTooLarge; a file the adapter must not or cannot fetch (a host outside its allow-list,
// a media id the platform does not know) is a DeliveryError that is not retried; an agent's
// document reaches the platform whole, or is refused for good with the reason in words.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRef } from '../../src/core/events.js';
import { FileTooLarge } from '../../src/core/ports.js';
import type { ChannelConformanceSpec, SendHarness } from './conformance.js';
import { rejection } from './rejection.js';

const KB = 1024;

/** A PDF-looking file of exactly `size` bytes, different every time (a stale copy cannot pass). */
function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

export function describeMediaConformance(spec: ChannelConformanceSpec): void {
  describe(`${spec.kind} channel conformance: files`, () => {
    let h: SendHarness;
    beforeAll(async () => {
      h = await spec.start();
    });
    afterAll(() => h.close());

    const fetchMedia = (media: MediaRef, maxBytes: number) => h.channel.fetchMedia({ accountId: h.accountId, token: h.token, media, maxBytes });

    it('fetches a customer’s file: the same bytes and type, in one download', async () => {
      const bytes = pdf(48 * KB);
      const ref = h.serveMedia(bytes, 'application/pdf', 'document');
      const file = await fetchMedia(ref, 1024 * KB);
      expect(file.bytes.equals(bytes), 'the same bytes').toBe(true);
      expect(file.mimeType).toBe('application/pdf');
      expect(file.filename).toMatch(/\S/);
      expect(h.mediaDownloads(ref)).toBe(1);
    });

    it('a file of exactly maxBytes is fetched whole (only a larger one is refused)', async () => {
      const bytes = pdf(20 * KB);
      const file = await fetchMedia(h.serveMedia(bytes, 'application/pdf', 'document'), bytes.length);
      expect(file.bytes.equals(bytes)).toBe(true);
    });

    it('a file over maxBytes is FileTooLarge, with the cap it passed, downloaded once at most', async () => {
      const bytes = pdf(256 * KB);
      const ref = h.serveMedia(bytes, 'application/pdf', 'document');
      const maxBytes = 64 * KB;
      const err = await thrown(fetchMedia(ref, maxBytes));
      expect(err).toBeInstanceOf(FileTooLarge);
      const tooLarge = err as FileTooLarge;
      expect(tooLarge.limitBytes).toBe(maxBytes);
      // When the size is known before reading (Graph's file_size, a Content-Length), it is the file's own.
      if (tooLarge.sizeBytes !== undefined) expect(tooLarge.sizeBytes).toBe(bytes.length);
      expect(h.mediaDownloads(ref)).toBeLessThanOrEqual(1);
    });

    it('the harness can show a refused fetch for how this channel refers to files', () => {
      const ref = h.serveMedia(pdf(KB), 'application/pdf', 'document');
      expect(ref.id ?? ref.url, 'a reference says where the file is').toBeTruthy();
      if (ref.url) expect(h.disallowedMedia, 'files by URL: a URL outside the allow-list to try').toBeTypeOf('function');
      if (ref.id) expect(h.unknownMedia, 'files by id: an id the platform does not know').toBeTypeOf('function');
    });

    it('a URL outside the allowed hosts is refused for good, and never requested', async (ctx) => {
      if (!h.disallowedMedia) return ctx.skip('this channel refers to files by id');
      const ref = h.disallowedMedia();
      const before = h.requestCount();
      const err = await rejection(fetchMedia(ref, 1024 * KB));
      expect(err.retryable).toBe(false);
      expect(h.requestCount(), 'requests the fake received').toBe(before);
      expect(h.mediaDownloads(ref)).toBe(0);
      // The URL does lead to the fake: an adapter that ignored its allow-list would have been seen.
      await (await fetch(ref.url!)).arrayBuffer();
      expect(h.mediaDownloads(ref)).toBe(1);
    });

    it('a media id the platform does not know is refused for good', async (ctx) => {
      if (!h.unknownMedia) return ctx.skip('this channel refers to files by URL');
      const err = await rejection(fetchMedia(h.unknownMedia(), 1024 * KB));
      expect(err.retryable).toBe(false);
    });

    const send = spec.media;
    const file = () => ({ bytes: pdf(12 * KB), mimeType: 'application/pdf', filename: 'comprovante.pdf' });
    const sendMedia = (f: ReturnType<typeof file>) => h.channel.sendMedia({ accountId: h.accountId, token: h.token, to: h.to, file: f, kind: 'document' });

    if (send.sendsFiles === true) {
      it('sends an agent’s PDF as a document: the platform gets the same file, and its id comes back', async () => {
        const f = file();
        const before = h.sentFiles().length;
        const { externalId } = await sendMedia(f);
        expect(externalId).toMatch(/\S/);
        const sent = h.sentFiles().slice(before);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ to: h.to, type: send.documentType, size: f.bytes.length, mimeType: 'application/pdf', filename: 'comprovante.pdf' });
        if (sent[0]!.bytes) expect(sent[0]!.bytes.equals(f.bytes), 'the same bytes').toBe(true);
      });
    } else {
      it('without a URL to fetch it from, refuses a file for good, saying why, without asking the platform', async () => {
        const before = h.requestCount();
        const err = await rejection(sendMedia(file()));
        expect(err.retryable).toBe(false);
        expect(err.message).toMatch(send.refusalSays);
        expect(h.requestCount(), 'requests the fake received').toBe(before);
      });
    }
    if (send.sendsFiles === 'by_url') {
      it('says it takes files by URL, and sends the URL the core serves the file at, as a document; its id comes back', async () => {
        expect(h.channel.capabilities.mediaByUrl).toBe(true);
        const url = 'https://ponte.example.com/media/conformance-token';
        const before = h.sentFileUrls?.().length ?? 0;
        const { externalId } = await h.channel.sendMedia({ accountId: h.accountId, token: h.token, to: h.to, file: file(), kind: 'document', url });
        expect(externalId).toMatch(/\S/);
        expect(h.sentFileUrls?.().slice(before)).toEqual([{ to: h.to, type: send.documentType, url }]);
      });
    } else {
      it('does not ask the core to serve files by URL', () => {
        expect(h.channel.capabilities.mediaByUrl ?? false).toBe(false);
      });
    }
  });
}
