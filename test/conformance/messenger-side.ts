import { GraphClient } from '../../channels/meta/graph-client.js';
import { MessengerChannel } from '../../channels/messenger/outbound.js';
import { isMessengerSend, sentTexts, startFakeMessenger } from '../fakes/messenger-api.js';
import type { SendHarness, SentFile } from './conformance.js';

/**
 * A Messenger or Instagram adapter against its own fake Send API and attachment CDN, for the
 * conformance suite. The adapter allows the spec's production hosts and the fake's own
 * `127.0.0.1:port`; the same fake reached as `localhost:port` is the host it must not fetch from.
 */
export async function startMessengerSide(o: { kind: 'messenger' | 'instagram'; accountId: string; token: string; to: string; allowedHosts: string[] }): Promise<SendHarness> {
  const fake = await startFakeMessenger({ accounts: [{ id: o.accountId, kind: o.kind, token: o.token }] });
  const fakeHost = new URL(fake.url).host;
  const channel = new MessengerChannel(o.kind, new GraphClient({ baseUrl: fake.url, version: fake.version }), o.token, { allowedHosts: [...o.allowedHosts, fakeHost] });
  let files = 0;
  const serve = (bytes: Buffer, mimeType: string) => fake.addAttachment(`conformance-${(files += 1)}.pdf`, { bytes, mimeType });
  return {
    channel,
    accountId: o.accountId,
    token: o.token,
    to: o.to,
    sentTexts: () => sentTexts(fake.state).map((s) => ({ to: s.to, text: s.text })),
    failNext: (f) => fake.failNext(f),
    serveMedia: (bytes, mimeType, kind) => ({ kind, url: serve(bytes, mimeType), mimeType }),
    disallowedMedia: () => {
      const url = new URL(serve(Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf'));
      url.hostname = 'localhost';
      return { kind: 'document', url: url.toString(), mimeType: 'application/pdf' };
    },
    mediaDownloads: (ref) => fake.state.cdnRequests.filter((r) => ref.url !== undefined && new URL(ref.url).pathname === r.path).length,
    sentFiles: () =>
      fake.state.calls.filter((c) => isMessengerSend(c) && c.form && c.status === 200).map((c): SentFile => {
        const b = c.body as { recipient: { id: string }; message: { attachment: { type: string } }; filedata: { name: string; type: string; size: number } };
        return { to: b.recipient.id, type: b.message.attachment.type, size: b.filedata.size, mimeType: b.filedata.type, filename: b.filedata.name };
      }),
    sentFileUrls: () =>
      fake.state.calls.filter((c) => isMessengerSend(c) && !c.form && c.status === 200).flatMap((c) => {
        const b = c.body as { recipient: { id: string }; message: { attachment?: { type: string; payload?: { url?: string } } } };
        const a = b.message.attachment;
        return a?.payload?.url ? [{ to: b.recipient.id, type: a.type, url: a.payload.url }] : [];
      }),
    requestCount: () => fake.state.calls.length + fake.state.cdnRequests.length,
    close: () => fake.close(),
  };
}
