import { GraphClient } from '../../channels/meta/graph-client.js';
import { MessengerChannel } from '../../channels/messenger/outbound.js';
import { sentTexts, startFakeMessenger } from '../fakes/messenger-api.js';
import type { SendHarness } from './conformance.js';

/** A Messenger or Instagram adapter against its own fake Send API, for the conformance suite. */
export async function startMessengerSide(o: { kind: 'messenger' | 'instagram'; accountId: string; token: string; to: string; allowedHosts: string[] }): Promise<SendHarness> {
  const fake = await startFakeMessenger({ accounts: [{ id: o.accountId, kind: o.kind, token: o.token }] });
  const channel = new MessengerChannel(o.kind, new GraphClient({ baseUrl: fake.url, version: fake.version }), o.token, { allowedHosts: o.allowedHosts });
  return {
    channel,
    accountId: o.accountId,
    token: o.token,
    to: o.to,
    sentTexts: () => sentTexts(fake.state).map((s) => ({ to: s.to, text: s.text })),
    failNext: (f) => fake.failNext(f),
    close: () => fake.close(),
  };
}
