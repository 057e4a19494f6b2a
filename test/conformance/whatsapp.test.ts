// WhatsApp against the shared contract: the adapter against the fake Graph (text sends, errors,
// media by id: `GET /{media_id}` then its URL with the bearer; uploads then sends by media id).
import { GraphClient } from '../../channels/meta/graph-client.js';
import { parseWhatsApp } from '../../channels/whatsapp/inbound.js';
import { WhatsAppChannel } from '../../channels/whatsapp/outbound.js';
import { startFakeGraph } from '../fakes/graph-api.js';
import { WA_DEFAULTS, waBatch, waMessageOfType, waStatus, waTextMessage } from '../fixtures/meta.js';
import { bsuidStatus, bsuidText } from '../fixtures/whatsapp-usernames.js';
import { waEdit, waRevoke } from '../fixtures/revisions.js';
import { runChannelConformance, type InjectedFailure, type SentFile } from './conformance.js';

const PN = WA_DEFAULTS.phoneNumberId;
const FROM = WA_DEFAULTS.from;
const TOKEN = 'EAAG-conformance-whatsapp';
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

runChannelConformance({
  kind: 'whatsapp',
  parse: parseWhatsApp,
  examples: [
    {
      name: "Meta's documented text message",
      body: wire(waTextMessage({ phoneNumberId: PN, from: FROM, text: 'Olá, preciso de ajuda', id: 'wamid.conf-t1', timestamp: 1700000000 })),
      expect: [{ event: { type: 'customer.message', accountId: PN, externalId: 'wamid.conf-t1', contact: { externalId: FROM }, text: 'Olá, preciso de ajuda', occurredAt: '2023-11-14T22:13:20.000Z' } }],
    },
    {
      name: 'a batch over two numbers',
      body: wire(waBatch(
        waTextMessage({ phoneNumberId: PN, from: '551100000002', name: 'Bia', text: 'second', id: 'wamid.conf-b2', timestamp: 1700000200 }),
        waTextMessage({ phoneNumberId: PN, from: FROM, text: 'first', id: 'wamid.conf-b1', timestamp: 1700000100 }),
        waTextMessage({ phoneNumberId: '200000000000002', from: FROM, text: 'third', id: 'wamid.conf-b3', timestamp: 1700000300 }),
      )),
      expect: [
        { event: { externalId: 'wamid.conf-b1', text: 'first' } },
        { event: { externalId: 'wamid.conf-b2', contact: { externalId: '551100000002', name: 'Bia' } } },
        { event: { externalId: 'wamid.conf-b3', accountId: '200000000000002' } },
      ],
    },
    {
      name: 'an image with a caption',
      body: wire(waMessageOfType('image', undefined, { id: 'wamid.conf-img', timestamp: 1700000400 })),
      expect: [{ event: { kind: 'image' }, textIncludes: ['Foto do pedido'], media: ['image'] }],
    },
    {
      name: 'a document with its file name',
      body: wire(waMessageOfType('document', undefined, { id: 'wamid.conf-doc', timestamp: 1700000450 })),
      expect: [{ event: { kind: 'document', media: [{ id: '1092837465019283', filename: 'nota.pdf' }] }, textIncludes: ['nota.pdf'], media: ['document'] }],
    },
    {
      name: 'a delivered status of our message',
      body: wire(waStatus({ phoneNumberId: PN, id: 'wamid.conf-out1', status: 'delivered', recipientId: FROM, timestamp: 1700000500 })),
      expect: [{ event: { type: 'customer.status', externalId: 'wamid.conf-out1', status: 'delivered', contactExternalId: FROM } }],
    },
    {
      name: 'a customer with a username and no phone (BSUID only, 2026)',
      body: wire(bsuidText({ phoneNumberId: PN, userId: 'BR.1502576394655843', username: 'bia.loja', name: 'Bia', text: 'oi', id: 'wamid.conf-u1' })),
      expect: [{ event: { externalId: 'wamid.conf-u1', contact: { externalId: 'BR.1502576394655843', userId: 'BR.1502576394655843', username: 'bia.loja' }, text: 'oi' } }],
    },
    {
      name: 'statuses naming only the BSUID, and a played voice message',
      body: wire(waBatch(
        bsuidStatus({ phoneNumberId: PN, id: 'wamid.conf-out2', status: 'delivered', userId: 'BR.77' }),
        waStatus({ phoneNumberId: PN, id: 'wamid.conf-out3', status: 'played', recipientId: FROM, timestamp: 1700000600 }),
      )),
      expect: [
        { event: { type: 'customer.status', externalId: 'wamid.conf-out3', status: 'read' } },
        { event: { type: 'customer.status', externalId: 'wamid.conf-out2', status: 'delivered', contactExternalId: 'BR.77' } },
      ],
    },
    {
      name: 'an edit and a revoke of earlier messages',
      body: wire(waBatch(
        waEdit({ original: 'wamid.conf-t1', text: 'Olá, preciso de ajuda urgente', id: 'wamid.conf-e1', timestamp: 1700000700 }),
        waRevoke({ original: 'wamid.conf-b1', id: 'wamid.conf-r1', timestamp: 1700000800 }),
      )),
      expect: [
        { event: { externalId: 'wamid.conf-e1', revision: { action: 'edit', targetExternalId: 'wamid.conf-t1' } }, textIncludes: ['urgente'] },
        { event: { externalId: 'wamid.conf-r1', revision: { action: 'delete', targetExternalId: 'wamid.conf-b1' } } },
      ],
    },
    {
      name: 'a batch with an item Ponte cannot read: its siblings still arrive',
      body: (() => {
        const body = wire(waBatch(
          waTextMessage({ phoneNumberId: PN, from: '551100000009', text: 'lost', id: 'wamid.conf-x1', timestamp: 1700000900 }),
          waTextMessage({ phoneNumberId: PN, from: FROM, text: 'kept', id: 'wamid.conf-x2', timestamp: 1700000901 }),
        )) as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
        delete body.entry[0]!.changes[0]!.value.messages[0]!.id;
        return body;
      })(),
      expect: [{ event: { externalId: 'wamid.conf-x2', text: 'kept' } }],
      problems: [/^message not read: messages\.0\.id: /],
    },
  ],
  // WhatsApp has no echoes: our own message comes back only as statuses.
  echo: { body: wire(waStatus({ phoneNumberId: PN, id: 'wamid.conf-out1', status: 'sent', recipientId: FROM, timestamp: 1700000450 })) },
  async start() {
    const fake = await startFakeGraph({ token: TOKEN });
    const channel = new WhatsAppChannel(new GraphClient({ baseUrl: fake.url, version: fake.version }), TOKEN);
    let mediaIds = 0;
    return {
      channel,
      accountId: PN,
      token: TOKEN,
      to: FROM,
      sentTexts: () =>
        fake.sends().flatMap((c) => {
          const b = c.body as { to?: string; type?: string; text?: { body?: unknown } };
          return b.type === 'text' && typeof b.text?.body === 'string' ? [{ to: String(b.to), text: b.text.body }] : [];
        }),
      failNext: (f: InjectedFailure) => {
        // This fake sends Retry-After only with its own 429 (code 130429) body.
        if (f.retryAfter !== undefined) {
          if (f.status !== 429 || f.error.code !== 130429) throw new Error('the WhatsApp fake sends Retry-After only on its 429/130429 answer');
          fake.failNext({ status: 429, retryAfter: f.retryAfter });
        } else fake.failNext({ status: f.status, error: f.error });
      },
      serveMedia: (bytes, mimeType, kind) => {
        const id = String(4_100_000_000_000_000 + (mediaIds += 1));
        fake.addMedia(id, { bytes, mimeType });
        return { kind, id, mimeType };
      },
      unknownMedia: () => ({ kind: 'image', id: '4199999999999999', mimeType: 'image/jpeg' }),
      // The media URL Graph hands out names the file by `mid`.
      mediaDownloads: (ref) => fake.calls.filter((c) => c.method === 'GET' && /^\/whatsapp_business\/attachments\/?$/.test(c.path) && c.query.mid === ref.id).length,
      // A media message names an upload by id: the file is what was uploaded under it.
      sentFiles: () =>
        fake.sends().flatMap((c): SentFile[] => {
          const b = c.body as Record<string, unknown> & { to?: string; type?: string };
          const media = b.type ? (b[b.type] as { id?: string; filename?: string } | undefined) : undefined;
          const upload = media?.id ? fake.uploads.get(media.id) : undefined;
          if (!upload) return [];
          return [{ to: String(b.to), type: String(b.type), size: upload.bytes.length, mimeType: upload.mimeType, filename: media?.filename, bytes: upload.bytes }];
        }),
      requestCount: () => fake.calls.length,
      close: () => fake.close(),
    };
  },
  errors: [
    { name: '190 token expired', failure: { status: 401, error: { message: 'Error validating access token', code: 190 } }, errorClass: 'auth', retryable: false },
    { name: '130429 throughput with Retry-After', failure: { status: 429, error: { message: '(#130429) Rate limit hit', code: 130429 }, retryAfter: 30 }, errorClass: 'rate_limited', retryable: true, retryAfterSeconds: 30 },
    { name: '131047 re-engagement (window closed)', failure: { status: 400, error: { message: 'Re-engagement message', code: 131047 } }, errorClass: 'window_closed', retryable: false },
    { name: '131026 undeliverable', failure: { status: 400, error: { message: 'Message undeliverable', code: 131026 } }, errorClass: 'invalid_recipient', retryable: false },
    { name: '131000 something went wrong', failure: { status: 500, error: { message: 'Something went wrong', code: 131000 } }, errorClass: 'transient', retryable: true },
    { name: '100 invalid parameter', failure: { status: 400, error: { message: '(#100) Invalid parameter', code: 100 } }, errorClass: 'unknown', retryable: false },
    { name: '131062 not deliverable to a BSUID', failure: { status: 400, error: { message: '(#131062) Business-scoped User ID (BSUID) recipients are not supported for this message.', code: 131062 } }, errorClass: 'unknown', retryable: false },
  ],
  media: { sendsFiles: true, documentType: 'document' },
});
