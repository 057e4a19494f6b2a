import { describe, it, expect } from 'vitest';
import type { CustomerMessageEvent, CustomerStatusEvent } from '../../src/core/events.js';
import { parseInstagram, parseMessenger, type ParsedDelivery } from '../../channels/messenger/inbound.js';
import { msFromTimestamp } from '../../channels/messenger/ids.js';
import {
  CDN,
  MSG_DEFAULTS,
  fbDelivery,
  igDeleted,
  igStoryMention,
  igStoryReply,
  msgAttachments,
  msgDelivery,
  msgEcho,
  msgPostback,
  msgReaction,
  msgRead,
  msgText,
  msgUnsupported,
  type MsgEnvelope,
} from '../fixtures/messenger.js';

const PAGE = MSG_DEFAULTS.pageId;
const PSID = MSG_DEFAULTS.psid;
const IG = MSG_DEFAULTS.igAccountId;
const IGSID = MSG_DEFAULTS.igsid;
const T = MSG_DEFAULTS.timestamp;

/** The wire form: builders → JSON text → parsed, as the route receives it. */
const wire = (env: MsgEnvelope): unknown => JSON.parse(JSON.stringify(env));

function parsed(body: MsgEnvelope): ParsedDelivery {
  const out = (body.object === 'page' ? parseMessenger : parseInstagram)(wire(body));
  if ('error' in out) throw new Error(`unexpected error: ${out.error}`);
  return out;
}
const only = <E>(out: ParsedDelivery): E => {
  expect(out.problems).toEqual([]);
  expect(out.records).toHaveLength(1);
  return out.records[0]!.event as E;
};

describe('parseMessenger: messages', () => {
  it("turns Meta's documented text message into one customer.message record", () => {
    const out = parsed(fbDelivery('messenger', [msgText({ text: 'hello, world!', mid: 'm_1457764197618:41d102a3e1ae206a38', timestamp: T })]));
    expect(out.ignored).toEqual([]);
    expect(out.problems).toEqual([]);
    expect(out.records).toEqual([{
      event: {
        type: 'customer.message',
        channel: 'messenger',
        accountId: PAGE,
        externalId: 'm_1457764197618:41d102a3e1ae206a38',
        contact: { externalId: PSID },
        occurredAt: new Date(T).toISOString(),
        kind: 'text',
        text: 'hello, world!',
      },
      dedupeKey: 'fb:m:m_1457764197618:41d102a3e1ae206a38',
      orderingKey: `fb:${PAGE}:${PSID}`,
    }]);
  });

  it('keys Instagram apart from Messenger', () => {
    const ev = parsed(fbDelivery('instagram', [msgText({ kind: 'instagram', text: 'oi', mid: 'aWdfX1', timestamp: T })]));
    expect(ev.records[0]).toMatchObject({ event: { channel: 'instagram', accountId: IG, contact: { externalId: IGSID } }, dedupeKey: 'ig:m:aWdfX1', orderingKey: `ig:${IG}:${IGSID}` });
  });

  it('reads every entry and every event of a batch, including standby, sorted by timestamp', () => {
    const batch = fbDelivery('messenger', [
      msgText({ text: 'third', mid: 'm_3', timestamp: T + 300 }),
      msgText({ text: 'first', mid: 'm_1', from: '111', timestamp: T + 100 }),
      msgText({ text: 'second', mid: 'm_2', accountId: '999000999', timestamp: T + 200 }),
    ]);
    const standby = fbDelivery('messenger', [msgText({ text: 'fourth', mid: 'm_4', timestamp: T + 400 })], { under: 'standby' });
    batch.entry[0]!.standby = standby.entry[0]!.standby;
    expect(batch.entry).toHaveLength(2);
    const out = parsed(batch);
    expect(out.problems).toEqual([]);
    expect(out.records.map((r) => (r.event as CustomerMessageEvent).text)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(out.records.map((r) => r.orderingKey)).toEqual([`fb:${PAGE}:111`, `fb:999000999:${PSID}`, `fb:${PAGE}:${PSID}`, `fb:${PAGE}:${PSID}`]);
  });

  it('accepts the entry[].changes[].value form some Instagram deliveries use', () => {
    const out = parsed(fbDelivery('instagram', [msgText({ kind: 'instagram', text: 'via changes', mid: 'aWdfC', timestamp: T })], { under: 'changes' }));
    expect(only<CustomerMessageEvent>(out)).toMatchObject({ externalId: 'aWdfC', text: 'via changes', accountId: IG });
  });

  it('a quick reply keeps the button title; its payload stands in when there is no text', () => {
    expect(only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgText({ text: 'Red', quickReply: 'COLOR_RED' })]))).text).toBe('Red');
    const ev = msgText({ text: 'x', quickReply: 'COLOR_RED' });
    delete (ev.message as { text?: string }).text;
    expect(only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [ev])))).toMatchObject({ text: 'COLOR_RED', kind: 'text' });
  });

  it('a reply carries the quoted mid', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgText({ text: 'this one', replyTo: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU' })])));
    expect(ev.replyTo).toBe('m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU');
  });

  it('image, video, audio and file attachments become media references and readable lines', () => {
    const out = parsed(fbDelivery('messenger', [msgAttachments({
      text: 'see these',
      attachments: [
        { type: 'image', payload: { url: CDN.image } },
        { type: 'video', payload: { url: CDN.video } },
        { type: 'audio', payload: { url: CDN.audio } },
        { type: 'file', payload: { url: CDN.file } },
      ],
    })]));
    const ev = only<CustomerMessageEvent>(out);
    expect(ev.kind).toBe('text');
    expect(ev.text).toBe('see these\n[image]\n[video]\n[audio]\n[file] nota-fiscal.pdf');
    expect(ev.media).toEqual([
      { kind: 'image', url: CDN.image },
      { kind: 'video', url: CDN.video },
      { kind: 'audio', url: CDN.audio },
      { kind: 'document', url: CDN.file, filename: 'nota-fiscal.pdf' },
    ]);
  });

  it('an image alone is of kind image', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgAttachments({ attachments: [{ type: 'image', payload: { url: CDN.image } }] })])));
    expect(ev).toMatchObject({ kind: 'image', text: '[image]', media: [{ kind: 'image', url: CDN.image }] });
  });

  it('a sticker sent both as sticker and image (Meta\'s transition) is one sticker', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgAttachments({
      attachments: [
        { type: 'image', payload: { url: CDN.image, sticker_id: 369239263222822 } },
        { type: 'sticker', payload: { url: CDN.image, sticker_id: 369239263222822 } },
      ],
    })])));
    expect(ev.media).toEqual([{ kind: 'sticker', url: CDN.image }]);
    expect(ev.text).toBe('[sticker]');
  });

  it('the old sticker form (an image with a sticker_id) is a sticker', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgAttachments({ attachments: [{ type: 'image', payload: { url: CDN.image, sticker_id: 1 } }] })])));
    expect(ev.media).toEqual([{ kind: 'sticker', url: CDN.image }]);
  });

  it.each([
    ['fallback link', { type: 'fallback', payload: { url: 'https://example.com/p', title: 'A page' } }, '[link] A page https://example.com/p'],
    ['fallback without payload', { type: 'fallback', payload: null }, '[shared content that Meta does not pass on]'],
    ['fallback with its title and URL on the attachment (payload null)', { type: 'fallback', payload: null, title: 'Preços de verão', URL: 'https://example.com/precos' }, '[link] Preços de verão https://example.com/precos'],
    ['fallback with a lower-case url on the attachment', { type: 'fallback', payload: null, title: 'A page', url: 'https://example.com/p2' }, '[link] A page https://example.com/p2'],
    ['share', { type: 'share', payload: { url: 'https://www.instagram.com/p/XYZ/' } }, '[shared post] https://www.instagram.com/p/XYZ/'],
    ['ig_reel', { type: 'ig_reel', payload: { url: 'https://lookaside.fbsbx.com/reel', title: 'Dance', reel_video_id: '123' } }, '[reel] Dance https://lookaside.fbsbx.com/reel'],
    ['reel', { type: 'reel', payload: { url: 'https://www.facebook.com/reel/1' } }, '[reel] https://www.facebook.com/reel/1'],
    ['template', { type: 'template', payload: { template_type: 'generic', elements: [{ title: 'Order 42' }] } }, '[template] Order 42'],
    ['a type Meta adds later', { type: 'hologram', payload: { url: 'https://example.com/h' } }, '[hologram] https://example.com/h'],
    ['a media type without a URL', { type: 'image', payload: {} }, '[image] (not shown by Ponte)'],
  ])('%s becomes a readable line without media', (_label, attachment, line) => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgAttachments({ attachments: [attachment] })])));
    expect(ev.text).toBe(line);
    expect(ev.media).toBeUndefined();
  });

  it('an Instagram post sent both as share and ig_post (Meta\'s transition) is one line', () => {
    const url = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835';
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('instagram', [msgAttachments({
      kind: 'instagram',
      attachments: [{ type: 'share', payload: { url, title: 'Build a workspace' } }, { type: 'ig_post', payload: { url, title: 'Build a workspace', ig_post_media_id: '18139494541428835' } }],
    })])));
    expect(ev.text).toBe(`[shared post] Build a workspace ${url}`);
  });

  it('an ad referral is kept on the message', () => {
    const ev = msgText({ text: 'I saw your ad' });
    (ev.message as Record<string, unknown>).referral = { ref: 'summer', ad_id: '6045246247433', source: 'ADS', type: 'OPEN_THREAD', ads_context_data: { ad_title: 'Summer sale', photo_url: 'https://scontent.xx.fbcdn.net/ad.jpg', post_id: '1' } };
    expect(only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [ev]))).referral).toEqual({ source: 'ads', headline: 'Summer sale', url: 'https://scontent.xx.fbcdn.net/ad.jpg' });
  });

  it('an unsupported message is a notice text', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('instagram', [msgUnsupported({ kind: 'instagram', mid: 'aWdfU' })])));
    expect(ev).toMatchObject({ externalId: 'aWdfU', kind: 'unsupported', text: '[a message Instagram does not pass on to apps]' });
  });

  it('a postback is a message with the button title', () => {
    const out = parsed(fbDelivery('messenger', [msgPostback({ title: 'Talk to a person', payload: 'HUMAN', mid: 'm_PB', timestamp: T })]));
    expect(only<CustomerMessageEvent>(out)).toMatchObject({ externalId: 'm_PB', kind: 'postback', text: 'Talk to a person' });
    expect(out.records[0]!.dedupeKey).toBe('fb:m:m_PB');
  });
});

describe('parseInstagram: stories, deletions', () => {
  it('a story mention is a notice with the link, no ticket and no stored media', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('instagram', [igStoryMention({ mid: 'aWdfSM', timestamp: T })])));
    expect(ev).toMatchObject({ externalId: 'aWdfSM', noticeOnly: true, kind: 'story_mention' });
    expect(ev.kind).toBe('story_mention');
    expect(ev.text).toContain(CDN.story);
    expect(ev.media).toBeUndefined();
  });

  it('a story reply is the text plus the story link', () => {
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('instagram', [igStoryReply({ text: 'Amei!', mid: 'aWdfSR' })])));
    expect(ev.text).toBe(`Amei!\n[reply to your story] ${CDN.story}`);
    expect(ev.noticeOnly).toBeUndefined();
  });

  it('a deletion is its own event pointing at the deleted message, never a duplicate of it', () => {
    const original = parsed(fbDelivery('instagram', [msgText({ kind: 'instagram', text: 'oops', mid: 'aWdfD' })]));
    const deletion = parsed(fbDelivery('instagram', [igDeleted({ mid: 'aWdfD' })]));
    const ev = only<CustomerMessageEvent>(deletion);
    expect(ev).toMatchObject({ kind: 'deleted', text: '[the customer deleted a message]', replyTo: 'aWdfD' });
    expect(ev.externalId).not.toBe('aWdfD');
    expect(deletion.records[0]!.dedupeKey).not.toBe(original.records[0]!.dedupeKey);
  });
});

describe('parseMessenger: reactions', () => {
  it('a reaction targets the reacted message and has its own id', () => {
    const out = parsed(fbDelivery('messenger', [msgReaction({ mid: 'm_TARGET', action: 'react', emoji: '\u{1F44D}', reaction: 'like', timestamp: T })]));
    const ev = only<CustomerMessageEvent>(out);
    expect(ev).toMatchObject({ kind: 'reaction', text: '[reaction] \u{1F44D}', reaction: { targetExternalId: 'm_TARGET', emoji: '\u{1F44D}' } });
    expect(ev.externalId).toBe(`m_TARGET:react:${T}`);
    expect(out.records[0]!.dedupeKey).toBe(`fb:r:m_TARGET:react:${T}`);
  });

  it('an unreact removes (emoji null), and is not the same event as the react', () => {
    const react = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgReaction({ mid: 'm_T', action: 'react', timestamp: T })])));
    const unreact = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [msgReaction({ mid: 'm_T', action: 'unreact', timestamp: T + 5 })])));
    expect(unreact.reaction).toEqual({ targetExternalId: 'm_T', emoji: null });
    expect(unreact.text).toBe('[reaction removed]');
    expect(unreact.externalId).not.toBe(react.externalId);
  });

  it('a reaction without an emoji is named from its reaction, else shown as words', () => {
    const named = msgReaction({ mid: 'm_T', action: 'react' });
    delete (named.reaction as { emoji?: string }).emoji;
    expect(only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [named]))).reaction?.emoji).toBe('\u{2764}\u{FE0F}');
    const other = msgReaction({ mid: 'm_T', action: 'react', reaction: 'other' });
    delete (other.reaction as { emoji?: string }).emoji;
    const ev = only<CustomerMessageEvent>(parsed(fbDelivery('messenger', [other])));
    expect(ev.reaction).toBeUndefined();
    expect(ev.text).toBe('[reaction] other');
  });
});

describe('parseMessenger: statuses', () => {
  it('a delivery with mids is one delivered status per mid', () => {
    const out = parsed(fbDelivery('messenger', [msgDelivery({ mids: ['m_A', 'm_B'], watermark: T, timestamp: T + 10 })]));
    expect(out.problems).toEqual([]);
    expect(out.records.map((r) => r.event)).toEqual([
      { type: 'customer.status', channel: 'messenger', accountId: PAGE, externalId: 'm_A', contactExternalId: PSID, status: 'delivered', occurredAt: new Date(T + 10).toISOString() },
      { type: 'customer.status', channel: 'messenger', accountId: PAGE, externalId: 'm_B', contactExternalId: PSID, status: 'delivered', occurredAt: new Date(T + 10).toISOString() },
    ]);
    expect(out.records.map((r) => r.dedupeKey)).toEqual(['fb:s:m_A:delivered', 'fb:s:m_B:delivered']);
  });

  it('a delivery without mids is one watermark status', () => {
    const ev = only<CustomerStatusEvent>(parsed(fbDelivery('messenger', [msgDelivery({ watermark: T })])));
    expect(ev).toMatchObject({ status: 'delivered', watermark: new Date(T).toISOString() });
    expect(ev.externalId).toBeUndefined();
  });

  it('a Messenger read is a watermark; an Instagram read names the mid', () => {
    const fb = parsed(fbDelivery('messenger', [msgRead({ watermark: T })]));
    expect(only<CustomerStatusEvent>(fb)).toMatchObject({ status: 'read', watermark: new Date(T).toISOString() });
    expect(fb.records[0]!.dedupeKey).toBe(`fb:w:${PAGE}:${PSID}:${T}:read`);
    const ig = parsed(fbDelivery('instagram', [msgRead({ kind: 'instagram', mid: 'aWdfR' })]));
    expect(only<CustomerStatusEvent>(ig)).toMatchObject({ status: 'read', externalId: 'aWdfR', contactExternalId: IGSID });
  });

  it('two customers reading at the same millisecond get two keys', () => {
    const out = parsed(fbDelivery('messenger', [msgRead({ watermark: T, from: '1' }), msgRead({ watermark: T, from: '2' })]));
    expect(new Set(out.records.map((r) => r.dedupeKey)).size).toBe(2);
  });

  it('a read with neither watermark nor mid is a problem', () => {
    const out = parsed(fbDelivery('messenger', [msgRead({}), msgText({ text: 'still here' })]));
    expect(out.problems).toEqual(['read without mids or watermark']);
    expect(out.records).toHaveLength(1);
  });
});

describe('parseMessenger: what is not a customer message', () => {
  it('echoes of our own sends are ignored as echo, never an event', () => {
    const out = parsed(fbDelivery('messenger', [msgEcho({ text: 'our reply', mid: 'm_ECHO' })]));
    expect(out.records).toEqual([]);
    expect(out.ignored).toEqual([{ dedupeKey: 'fb:e:m_ECHO', kind: 'messenger.message', reason: 'echo' }]);
  });

  it('an echo under standby (the Page inbox answered) is ignored too', () => {
    const out = parsed(fbDelivery('messenger', [msgEcho({ text: 'from the inbox' })], { under: 'standby' }));
    expect(out.records).toEqual([]);
    expect(out.ignored[0]).toMatchObject({ reason: 'echo' });
  });

  it('unknown events, a guest without a PSID and unknown change fields are ignored, not crashes', () => {
    const env = fbDelivery('messenger', [
      { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T, optin: { ref: 'x' } },
      { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T, referral: { ref: 'x', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
      msgText({ text: 'kept' }),
    ]);
    (env.entry[0]!.messaging![0] as Record<string, unknown>).sender = { user_ref: 'guest-1' };
    (env.entry[0] as unknown as { changes: unknown[] }).changes = [{ field: 'feed', value: { item: 'post' } }];
    const out = parsed(env);
    expect(out.problems).toEqual([]);
    expect(out.records).toHaveLength(1);
    expect(out.ignored).toEqual([
      { dedupeKey: null, kind: 'messenger.optin', reason: 'no_sender_id' },
      { dedupeKey: null, kind: 'messenger.referral', reason: 'referral_without_message' },
      { dedupeKey: null, kind: 'messenger.feed', reason: 'unsupported_field' },
    ]);
  });

  it('an unreadable message is a problem; the rest of the delivery still parses', () => {
    const env = fbDelivery('messenger', [msgText({ text: 'a' }), msgText({ text: 'b' })]);
    delete (env.entry[0]!.messaging![0]!.message as { mid?: string }).mid;
    const out = parsed(env);
    expect(out.problems).toHaveLength(1);
    expect(out.records.map((r) => (r.event as CustomerMessageEvent).text)).toEqual(['b']);
  });

  it('a bad envelope or the other object is an error', () => {
    expect(parseMessenger({ object: 'page' })).toHaveProperty('error');
    expect(parseMessenger('nope')).toHaveProperty('error');
    expect(parseMessenger(wire(fbDelivery('instagram', [msgText({ text: 'x' })])))).toHaveProperty('error');
    expect(parseInstagram(wire(fbDelivery('messenger', [msgText({ text: 'x' })])))).toHaveProperty('error');
  });

  it('the same delivery twice gives the same keys', () => {
    const env = fbDelivery('messenger', [msgText({ text: 'a' }), msgDelivery({ mids: ['m_X'], watermark: T }), msgReaction({ mid: 'm_X', action: 'react', timestamp: T })]);
    expect(parsed(env).records.map((r) => r.dedupeKey)).toEqual(parsed(env).records.map((r) => r.dedupeKey));
  });
});

describe('Messenger ids', () => {
  it('reads milliseconds, and seconds as some documented examples carry them', () => {
    expect(msFromTimestamp(1458692752478)).toBe(1458692752478);
    expect(msFromTimestamp('1527459824')).toBe(1527459824000);
    expect(msFromTimestamp(undefined)).toBeUndefined();
    expect(msFromTimestamp('x')).toBeUndefined();
  });
});
