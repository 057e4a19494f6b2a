import { parseMessenger } from '../../channels/messenger/inbound.js';
import { CDN, MSG_DEFAULTS, fbDelivery, msgAttachments, msgDelivery, msgEcho, msgPostback, msgReaction, msgRead, msgText } from '../fixtures/messenger.js';
import { msgEdit, msgUnsend } from '../fixtures/revisions.js';
import { runChannelConformance } from './conformance.js';
import { startMessengerSide } from './messenger-side.js';

const PAGE = MSG_DEFAULTS.pageId;
const PSID = MSG_DEFAULTS.psid;
const T = MSG_DEFAULTS.timestamp;
const TOKEN = 'EAAG-conformance-page';
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const batch = fbDelivery('messenger', [
  msgText({ text: 'second', mid: 'm_conf-b2', from: '2002', timestamp: T + 2000 }),
  msgText({ text: 'first', mid: 'm_conf-b1', timestamp: T + 1000 }),
  msgText({ text: 'other page', mid: 'm_conf-b3', accountId: '700800900', timestamp: T + 3000 }),
]);
batch.entry[0]!.standby = fbDelivery('messenger', [msgText({ text: 'while another app held the thread', mid: 'm_conf-b4', timestamp: T + 4000 })], { under: 'standby' }).entry[0]!.standby;

runChannelConformance({
  kind: 'messenger',
  parse: parseMessenger,
  examples: [
    {
      name: "Meta's documented text message",
      body: wire(fbDelivery('messenger', [msgText({ text: 'hello, world!', mid: 'mid.1457764197618:41d102a3e1ae206a38', timestamp: 1458692752478 })])),
      expect: [{ event: { type: 'customer.message', accountId: PAGE, externalId: 'mid.1457764197618:41d102a3e1ae206a38', contact: { externalId: PSID }, text: 'hello, world!', occurredAt: '2016-03-23T00:25:52.478Z' } }],
    },
    {
      name: 'a batch over two Pages, with a standby event',
      body: wire(batch),
      expect: [
        { event: { externalId: 'm_conf-b1', text: 'first' } },
        { event: { externalId: 'm_conf-b2', text: 'second', contact: { externalId: '2002' } } },
        { event: { externalId: 'm_conf-b3', accountId: '700800900' } },
        { event: { externalId: 'm_conf-b4' } },
      ],
    },
    {
      name: 'attachments: an image and a file',
      body: wire(fbDelivery('messenger', [msgAttachments({ mid: 'mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c', attachments: [{ type: 'image', payload: { url: CDN.image } }, { type: 'file', payload: { url: CDN.file } }], timestamp: T })])),
      expect: [{ event: { kind: 'image', media: [{ kind: 'image', url: CDN.image }, { kind: 'document', url: CDN.file }] }, textIncludes: ['[image]', 'nota-fiscal.pdf'], media: ['image', 'document'] }],
    },
    {
      name: 'delivery and read of our messages',
      body: wire(fbDelivery('messenger', [msgDelivery({ mids: ['m_conf-out1'], watermark: T, timestamp: T + 10 }), msgRead({ watermark: T + 5, timestamp: T + 20 })])),
      expect: [
        { event: { type: 'customer.status', externalId: 'm_conf-out1', status: 'delivered', contactExternalId: PSID } },
        { event: { type: 'customer.status', status: 'read', watermark: new Date(T + 5).toISOString() } },
      ],
    },
    {
      name: 'a reaction and a postback',
      body: wire(fbDelivery('messenger', [msgReaction({ mid: 'm_conf-out1', action: 'react', emoji: '\u{1F44D}', reaction: 'like', timestamp: T + 30 }), msgPostback({ title: 'Talk to a person', payload: 'HUMAN', mid: 'm_conf-pb', timestamp: T + 40 })])),
      expect: [
        { event: { kind: 'reaction', reaction: { targetExternalId: 'm_conf-out1', emoji: '\u{1F44D}' } } },
        { event: { kind: 'postback', externalId: 'm_conf-pb', text: 'Talk to a person' } },
      ],
    },
    {
      name: 'an edit and an unsend of earlier messages',
      body: wire(fbDelivery('messenger', [msgEdit({ mid: 'm_conf-b1', text: 'first, corrected', numEdit: 1, timestamp: T + 50 }), msgUnsend({ mid: 'm_conf-b2', timestamp: T + 60 })])),
      expect: [
        { event: { revision: { action: 'edit', targetExternalId: 'm_conf-b1' } }, textIncludes: ['first, corrected'] },
        { event: { revision: { action: 'delete', targetExternalId: 'm_conf-b2' } } },
      ],
    },
    {
      name: 'a link shared without a preview (fallback, payload null): its title and URL',
      body: wire(fbDelivery('messenger', [msgAttachments({ mid: 'm_conf-fb', attachments: [{ type: 'fallback', payload: null, title: 'Nosso cardápio', url: 'https://example.com/cardapio' } as never], timestamp: T + 70 })])),
      expect: [{ event: { externalId: 'm_conf-fb' }, textIncludes: ['Nosso cardápio', 'https://example.com/cardapio'] }],
    },
    {
      name: 'a batch with an event Ponte cannot read: its siblings still arrive',
      body: (() => {
        const body = wire(fbDelivery('messenger', [msgText({ text: 'lost', mid: 'm_conf-x1', timestamp: T + 80 }), msgText({ text: 'kept', mid: 'm_conf-x2', timestamp: T + 90 })])) as { entry: { messaging: { message: Record<string, unknown> }[] }[] };
        body.entry[0]!.messaging[0]!.message.mid = 42;
        return body;
      })(),
      expect: [{ event: { externalId: 'm_conf-x2', text: 'kept' } }],
      problems: [/^message not read: message\.mid: expected string, received number$/],
    },
  ],
  echo: { body: wire(fbDelivery('messenger', [msgEcho({ text: 'our reply', mid: 'm_conf-echo' })])), ignoredReason: 'echo' },
  start: () => startMessengerSide({ kind: 'messenger', accountId: PAGE, token: TOKEN, to: PSID, allowedHosts: ['fbcdn.net', 'fbsbx.com'] }),
  errors: [
    { name: '190 invalid token', failure: { status: 401, error: { message: 'Invalid OAuth access token.', code: 190 } }, errorClass: 'auth', retryable: false },
    { name: '10/2534022 outside the window', failure: { status: 400, error: { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2534022 } }, errorClass: 'window_closed', retryable: false },
    { name: '551 person unavailable', failure: { status: 400, error: { message: "(#551) This person isn't available right now.", code: 551, error_subcode: 1545041 } }, errorClass: 'invalid_recipient', retryable: false },
    { name: '613 rate limit with Retry-After', failure: { status: 429, error: { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 }, retryAfter: 20 }, errorClass: 'rate_limited', retryable: true, retryAfterSeconds: 20 },
    { name: '2 service unavailable', failure: { status: 503, error: { message: 'An unexpected error has occurred. Please retry your request later.', code: 2 } }, errorClass: 'transient', retryable: true },
    { name: '100 invalid parameter', failure: { status: 400, error: { message: '(#100) Invalid parameter', code: 100 } }, errorClass: 'unknown', retryable: false },
  ],
  media: { sendsFiles: true, documentType: 'file' },
});
