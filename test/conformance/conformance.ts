// One contract for every customer-channel adapter (WhatsApp, Messenger, Instagram), run once per
// adapter with its own spec (matrix-appservice-slack's shared datastore tests are the model).
// Parsing is checked on vendor-documented deliveries (files included: each yields its media
// references); sending, and fetching and sending files (`media.ts`), against the adapter's local
// fake of the platform, through the real HTTP client. A new adapter passes this suite or is not done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelKind, CustomerMessageEvent, CustomerStatusEvent, InboundEvent, MediaKind, MediaRef } from '../../src/core/events.js';
import type { DeliveryErrorClass } from '../../src/core/errors.js';
import type { CustomerChannel } from '../../src/core/ports.js';
import type { InboundRecord } from '../../src/core/inbound-record.js';
import { splitText } from '../../src/agent/compose-reply.js';
import type { MetaObjectParser } from '../../channels/meta/routes.js';
import { describeMediaConformance } from './media.js';
import { rejection } from './rejection.js';

/** What one record of an example must be: matched with toMatchObject, in the parser's order. */
export interface ExpectedRecord {
  event: Record<string, unknown>;
  /** The readable text contains each of these (the exact wording is the adapter's). */
  textIncludes?: string[];
  /** The files the message carries, by kind, in order; none when absent. */
  media?: MediaKind[];
}

export interface ConformanceExample {
  name: string;
  /** A delivery as the webhook route receives it (parsed JSON). */
  body: unknown;
  expect: ExpectedRecord[];
  /** Parts the parser must name as not read (a batch's unreadable item); none by default. */
  problems?: RegExp[];
}

/** A failure the fake answers the next call with, in Graph's envelope. */
export interface InjectedFailure {
  status: number;
  error: { message: string; type?: string; code: number; error_subcode?: number };
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

export interface ErrorCase {
  name: string;
  failure: InjectedFailure;
  errorClass: DeliveryErrorClass;
  retryable: boolean;
  retryAfterSeconds?: number;
}

/** The adapter wired to its platform fake. */
export interface SendHarness {
  channel: CustomerChannel;
  accountId: string;
  token: string;
  /** A customer the fake accepts sends to. */
  to: string;
  /** The texts the fake received, read off its recorded requests, in arrival order. */
  sentTexts(): { to: string; text: string }[];
  failNext(failure: InjectedFailure): void;
  /**
   * Puts a customer's file on the fake platform and returns the reference a webhook would carry
   * for it (WhatsApp: a media id Graph knows; Messenger/Instagram: a signed URL on the fake CDN,
   * on a host the adapter allows).
   */
  serveMedia(bytes: Buffer, mimeType: string, kind: MediaKind): MediaRef;
  /** For files referenced by URL: a file the fake serves, by a host outside the adapter's allow-list that still leads to the fake. */
  disallowedMedia?(): MediaRef;
  /** For files referenced by id: an id the platform does not know. */
  unknownMedia?(): MediaRef;
  /** How many times the fake was asked for the bytes of a file `serveMedia` (or `disallowedMedia`) put there. */
  mediaDownloads(ref: MediaRef): number;
  /** The files the fake accepted in message sends, in arrival order. */
  sentFiles(): SentFile[];
  /** For channels that take files by URL: the URLs the fake accepted in message sends. */
  sentFileUrls?(): SentFileUrl[];
  /** Every request the fake has received so far (API and file host alike). */
  requestCount(): number;
  close(): Promise<void>;
}

/** A file as the platform received it in a send. */
export interface SentFile {
  to: string;
  /** The platform's own word for the kind (WhatsApp `document`, Messenger `file`). */
  type: string;
  size: number;
  mimeType: string;
  filename: string | undefined;
  /** The bytes, when the fake keeps them (the Messenger fake records only the part's size). */
  bytes?: Buffer;
}

/** A file sent by a URL the platform fetches (Instagram), as the fake received it. */
export interface SentFileUrl {
  to: string;
  type: string;
  url: string;
}

/**
 * What a channel does with an agent's file: uploads it; takes it only by a URL the core serves
 * (`capabilities.mediaByUrl`: without one it refuses, saying why); or refuses every time.
 */
export type MediaSendSpec =
  | { sendsFiles: true; documentType: string }
  | { sendsFiles: 'by_url'; documentType: string; refusalSays: RegExp }
  | { sendsFiles: false; refusalSays: RegExp };

export interface ChannelConformanceSpec {
  kind: ChannelKind;
  parse: MetaObjectParser;
  /** Vendor-documented deliveries; at least one must be a batch of several messages. */
  examples: ConformanceExample[];
  /** Our own send coming back (WhatsApp: a status of our message; Messenger/Instagram: is_echo). */
  echo: { body: unknown; ignoredReason?: string };
  start(): Promise<SendHarness>;
  errors: ErrorCase[];
  /**
   * Sending an agent's file: `documentType` is what the platform calls a document; a channel
   * that takes files only by URL, or not at all, says why it refuses one without (`refusalSays`).
   */
  media: MediaSendSpec;
}

type Parsed = { records: InboundRecord[]; ignored: { dedupeKey: string | null; reason: string }[]; problems: string[] };

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

const size = (text: string, unit: 'chars' | 'bytes') => (unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length);

/**
 * Words with accents and an emoji (about a sixth more bytes than characters) and paragraph breaks,
 * so a part cut by characters would overflow a limit in bytes.
 */
function longText(max: number, unit: 'chars' | 'bytes'): string {
  const words = ['Olá', 'você', 'não', 'está', 'só:', 'seu', 'pedido', 'nº', '4821', 'já', 'saiu', '🚚', 'e', 'chegará', 'amanhã', 'à', 'São', 'Paulo.', 'Confirmação', 'está', 'ação!'];
  let text = '';
  for (let i = 0; size(text, unit) < max * 2.5; i += 1) text += words[i % words.length] + (i % 41 === 40 ? '\n\n' : ' ');
  return text.trim();
}

const contactOf = (e: InboundEvent) =>
  e.type === 'customer.message' ? (e as CustomerMessageEvent).contact.externalId : e.type === 'customer.status' ? (e as CustomerStatusEvent).contactExternalId : undefined;

export function runChannelConformance(spec: ChannelConformanceSpec): void {
  const parse = (body: unknown): Parsed => {
    // A fresh copy each time: a parser must not depend on (or change) the object it was given.
    const out = spec.parse(structuredClone(body));
    if ('error' in out) throw new Error(`parser refused a valid delivery: ${out.error}`);
    return out;
  };

  describe(`${spec.kind} channel conformance: parsing`, () => {
    it.each(spec.examples.map((e) => [e.name, e] as const))('reads %s', (_name, example) => {
      const out = parse(example.body);
      expect(out.problems).toHaveLength(example.problems?.length ?? 0);
      example.problems?.forEach((p, i) => expect(out.problems[i]).toMatch(p));
      expect(out.records).toHaveLength(example.expect.length);
      out.records.forEach((record, i) => {
        const want = example.expect[i]!;
        const event = record.event as CustomerMessageEvent | CustomerStatusEvent;
        expect(event).toMatchObject(want.event);
        expect(event.channel).toBe(spec.kind);
        expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
        // Events are stored as JSONB: nothing may be lost on the way.
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
        expect(record.dedupeKey).toMatch(/\S/);
        expect(record.orderingKey).toMatch(/\S/);
        if (event.type === 'customer.message') {
          expect(event.text.trim(), 'every message has a readable text').not.toBe('');
          for (const part of want.textIncludes ?? []) expect(event.text).toContain(part);
          expect((event.media ?? []).map((m) => m.kind), 'the files it carries').toEqual(want.media ?? []);
          for (const m of event.media ?? []) {
            expect(MEDIA_KINDS).toContain(m.kind);
            expect(m.id ?? m.url, 'a media reference says where the file is').toBeTruthy();
          }
        } else {
          expect(event.externalId ?? event.watermark, 'a status names a message or a watermark').toBeTruthy();
        }
      });
      const times = out.records.map((r) => r.event.occurredAt);
      expect(times, 'records come oldest first').toEqual([...times].sort());
    });

    it('the examples include a batch of several messages, every one of them read', () => {
      const counts = spec.examples.map((e) => parse(e.body).records.filter((r) => r.event.type === 'customer.message').length);
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(2);
    });

    it('the examples include files', () => {
      expect(spec.examples.flatMap((e) => e.expect.flatMap((r) => r.media ?? [])).length).toBeGreaterThanOrEqual(1);
    });

    it('the same delivery twice gives identical dedupe keys', () => {
      for (const e of spec.examples) {
        const keys = (p: Parsed) => [...p.records.map((r) => r.dedupeKey), ...p.ignored.map((r) => r.dedupeKey)];
        expect(keys(parse(e.body)), e.name).toEqual(keys(parse(e.body)));
      }
    });

    it('no two events share a dedupe key', () => {
      const all = [...spec.examples.map((e) => e.body), spec.echo.body].flatMap((body) => {
        const p = parse(body);
        return [...p.records.map((r) => r.dedupeKey), ...p.ignored.flatMap((r) => (r.dedupeKey ? [r.dedupeKey] : []))];
      });
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((k, i) => all.indexOf(k) !== i), 'duplicated keys').toEqual([]);
    });

    it('one ordering key per customer and account, and only one', () => {
      const byConversation = new Map<string, Set<string>>();
      for (const e of spec.examples) {
        for (const r of parse(e.body).records) {
          const conversation = `${(r.event as CustomerMessageEvent).accountId}|${contactOf(r.event)}`;
          byConversation.set(conversation, (byConversation.get(conversation) ?? new Set()).add(r.orderingKey));
        }
      }
      for (const [conversation, keys] of byConversation) expect(keys.size, conversation).toBe(1);
      const keys = [...byConversation.values()].map((s) => [...s][0]);
      expect(new Set(keys).size, 'two conversations share an ordering key').toBe(keys.length);
      expect(byConversation.size, 'the examples cover several conversations').toBeGreaterThanOrEqual(2);
    });

    it('our own send coming back is never a customer message', () => {
      const out = parse(spec.echo.body);
      expect(out.problems).toEqual([]);
      expect(out.records.filter((r) => r.event.type === 'customer.message')).toEqual([]);
      if (spec.echo.ignoredReason) expect(out.ignored.map((r) => r.reason)).toContain(spec.echo.ignoredReason);
    });
  });

  describe(`${spec.kind} channel conformance: sending`, () => {
    let h: SendHarness;
    beforeAll(async () => {
      h = await spec.start();
    });
    afterAll(() => h.close());

    const send = (text: string, token = h.token) => h.channel.send({ accountId: h.accountId, token, to: h.to, text });

    it('is the kind it says, with usable capabilities', () => {
      expect(h.channel.kind).toBe(spec.kind);
      expect(h.channel.capabilities.maxTextLength).toBeGreaterThan(0);
      expect(h.channel.capabilities.windowHours).toBeGreaterThan(0);
      for (const kind of MEDIA_KINDS) expect(h.channel.capabilities.maxMediaBytes[kind]).toBeGreaterThan(0);
    });

    it('sends a text and returns the platform id', async () => {
      const before = h.sentTexts().length;
      const { externalId } = await send('Olá! Como posso ajudar?');
      expect(externalId).toMatch(/\S/);
      expect(h.sentTexts().slice(before)).toEqual([{ to: h.to, text: 'Olá! Como posso ajudar?' }]);
    });

    it('sends a long reply split by the core, every part in order and accepted', async () => {
      const { maxTextLength: max, textUnit: unit } = h.channel.capabilities;
      const text = longText(max, unit);
      const parts = splitText(text, max, unit);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts) expect(size(part, unit)).toBeLessThanOrEqual(max);
      expect(parts.join('').replace(/\s/g, ''), 'no words lost').toBe(text.replace(/\s/g, ''));
      const before = h.sentTexts().length;
      const ids: string[] = [];
      for (const part of parts) ids.push((await send(part)).externalId);
      expect(new Set(ids).size).toBe(parts.length);
      expect(h.sentTexts().slice(before)).toEqual(parts.map((text) => ({ to: h.to, text })));
    });

    it('the platform refuses a text over the limit, counted in its unit (so the split above is needed)', async () => {
      const { maxTextLength: max, textUnit: unit } = h.channel.capabilities;
      // In bytes: fewer characters than the limit, more bytes, so counting characters would pass it.
      const over = unit === 'bytes' ? 'ã'.repeat(Math.floor(max / 2) + 1) : 'a'.repeat(max + 1);
      if (unit === 'bytes') expect(over.length).toBeLessThanOrEqual(max);
      const err = await rejection(send(over));
      expect(err.retryable).toBe(false);
    });

    it('a wrong token is auth, not retried', async () => {
      const err = await rejection(send('x', 'not-the-token'));
      expect(err).toMatchObject({ errorClass: 'auth', retryable: false });
    });

    it.each(spec.errors.map((c) => [c.name, c] as const))('classifies %s', async (_name, c) => {
      h.failNext(c.failure);
      const err = await rejection(send('x'));
      expect(err.errorClass).toBe(c.errorClass);
      expect(err.retryable).toBe(c.retryable);
      if (c.retryAfterSeconds !== undefined) expect(err.retryAfterSeconds).toBe(c.retryAfterSeconds);
    });

    it('the error table covers every class a send can fail with', () => {
      expect(new Set(spec.errors.map((c) => c.errorClass))).toEqual(new Set(['auth', 'rate_limited', 'window_closed', 'invalid_recipient', 'transient', 'unknown']));
    });
  });

  describeMediaConformance(spec);
}
