import { parseInstagram } from '../../channels/messenger/inbound.js';
import { CDN, MSG_DEFAULTS, fbDelivery, igDeleted, igStoryMention, igStoryReply, msgAttachments, msgEcho, msgReaction, msgRead, msgText } from '../fixtures/messenger.js';
import { msgEdit } from '../fixtures/revisions.js';
import { runChannelConformance } from './conformance.js';
import { startMessengerSide } from './messenger-side.js';

const IG = MSG_DEFAULTS.igAccountId;
const IGSID = MSG_DEFAULTS.igsid;
const T = MSG_DEFAULTS.timestamp;
const TOKEN = 'EAAG-conformance-instagram';
const ig = { kind: 'instagram' as const };
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

runChannelConformance({
  kind: 'instagram',
  parse: parseInstagram,
  examples: [
    {
      name: 'a text message',
      body: wire(fbDelivery('instagram', [msgText({ ...ig, text: 'Oi! Vocês entregam em Recife?', mid: 'aWdfconf-t1', timestamp: T })])),
      expect: [{ event: { type: 'customer.message', accountId: IG, externalId: 'aWdfconf-t1', contact: { externalId: IGSID }, text: 'Oi! Vocês entregam em Recife?' } }],
    },
    {
      name: 'a batch in the changes[].value form',
      body: wire(fbDelivery('instagram', [
        msgText({ ...ig, text: 'b', mid: 'aWdfconf-b2', from: '3003', timestamp: T + 200 }),
        msgText({ ...ig, text: 'a', mid: 'aWdfconf-b1', timestamp: T + 100 }),
      ], { under: 'changes' })),
      expect: [{ event: { externalId: 'aWdfconf-b1', text: 'a' } }, { event: { externalId: 'aWdfconf-b2', text: 'b', contact: { externalId: '3003' } } }],
    },
    {
      name: 'an image',
      body: wire(fbDelivery('instagram', [msgAttachments({ ...ig, mid: 'aWdfconf-img', attachments: [{ type: 'image', payload: { url: CDN.igImage } }], timestamp: T + 300 })])),
      expect: [{ event: { kind: 'image', media: [{ kind: 'image', url: CDN.igImage }] }, media: ['image'] }],
    },
    {
      name: 'a story mention (a notice, no ticket) and a story reply',
      body: wire(fbDelivery('instagram', [igStoryMention({ mid: 'aWdfconf-sm', timestamp: T + 400 }), igStoryReply({ text: 'Amei!', mid: 'aWdfconf-sr', timestamp: T + 500 })])),
      expect: [
        { event: { externalId: 'aWdfconf-sm', noticeOnly: true }, textIncludes: [CDN.story] },
        { event: { externalId: 'aWdfconf-sr' }, textIncludes: ['Amei!', CDN.story] },
      ],
    },
    {
      name: 'a deletion, a reaction and a read',
      body: wire(fbDelivery('instagram', [
        igDeleted({ mid: 'aWdfconf-t1', timestamp: T + 600 }),
        msgReaction({ ...ig, mid: 'aWdfconf-out1', action: 'react', timestamp: T + 700 }),
        msgRead({ ...ig, mid: 'aWdfconf-out1', timestamp: T + 800 }),
      ])),
      expect: [
        { event: { kind: 'deleted', replyTo: 'aWdfconf-t1' } },
        { event: { kind: 'reaction', reaction: { targetExternalId: 'aWdfconf-out1', emoji: '\u{2764}\u{FE0F}' } } },
        { event: { type: 'customer.status', status: 'read', externalId: 'aWdfconf-out1' } },
      ],
    },
    {
      name: 'an edit, and shares of a story, a reel and a post',
      body: wire(fbDelivery('instagram', [
        msgEdit({ ...ig, mid: 'aWdfconf-t1', text: 'Vocês entregam em Olinda?', numEdit: 1, timestamp: T + 900 }),
        msgAttachments({ ...ig, mid: 'aWdfconf-sh1', attachments: [{ type: 'ig_story', payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1790&signature=x' } }], timestamp: T + 910 }),
        msgAttachments({ ...ig, mid: 'aWdfconf-sh2', attachments: [{ type: 'ig_reel', payload: { reel_video_id: '17890000000000001', title: 'Receita rápida' } }], timestamp: T + 920 }),
        msgAttachments({ ...ig, mid: 'aWdfconf-sh3', attachments: [{ type: 'ig_post', payload: { ig_post_media_id: '17890000000000002', url: 'https://www.instagram.com/p/C0ffee/' } }], timestamp: T + 930 }),
      ])),
      expect: [
        { event: { revision: { action: 'edit', targetExternalId: 'aWdfconf-t1' } }, textIncludes: ['Olinda'] },
        { event: { externalId: 'aWdfconf-sh1' }, textIncludes: ['[shared story]', 'asset_id=1790'] },
        { event: { externalId: 'aWdfconf-sh2' }, textIncludes: ['[reel]', 'Receita rápida'] },
        { event: { externalId: 'aWdfconf-sh3' }, textIncludes: ['[shared post]', 'https://www.instagram.com/p/C0ffee/'] },
      ],
    },
  ],
  echo: { body: wire(fbDelivery('instagram', [msgEcho({ ...ig, text: 'our reply', mid: 'aWdfconf-echo' })])), ignoredReason: 'echo' },
  start: () => startMessengerSide({ kind: 'instagram', accountId: IG, token: TOKEN, to: IGSID, allowedHosts: ['fbsbx.com', 'cdninstagram.com'] }),
  errors: [
    { name: '190 invalid token', failure: { status: 401, error: { message: 'Invalid OAuth access token.', code: 190 } }, errorClass: 'auth', retryable: false },
    { name: '10/2018278 outside the window', failure: { status: 400, error: { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 } }, errorClass: 'window_closed', retryable: false },
    { name: '100/2018001 no matching user', failure: { status: 400, error: { message: '(#100) No matching user found', code: 100, error_subcode: 2018001 } }, errorClass: 'invalid_recipient', retryable: false },
    { name: '4 app rate limit with Retry-After', failure: { status: 400, error: { message: '(#4) Application request limit reached', code: 4 }, retryAfter: 60 }, errorClass: 'rate_limited', retryable: true, retryAfterSeconds: 60 },
    { name: '1 unknown API error', failure: { status: 500, error: { message: 'An unknown error occurred', code: 1 } }, errorClass: 'transient', retryable: true },
    { name: '100 invalid parameter', failure: { status: 400, error: { message: '(#100) Invalid parameter', code: 100 } }, errorClass: 'unknown', retryable: false },
  ],
  media: { sendsFiles: 'by_url', documentType: 'file', refusalSays: /public URL/ },
});
