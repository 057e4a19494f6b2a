// Instagram end to end: signed `object: instagram` webhooks in both the `messaging[]` and the
// `changes[].value` forms, replies through `me/messages` with the Instagram token (1000 UTF-8
// bytes per message), story mentions and story replies. What Instagram shares with Messenger
// (window, errors, files) is proven in messenger.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fbDelivery, igStoryMention, igStoryReply, msgEcho, msgRead, msgText, newMid, type MsgEvent } from '../fixtures/messenger.js';
import { slackReactionEvent } from '../fixtures/slack.js';
import { isMessengerSend } from '../fakes/messenger-api.js';
import { IG_ID, SECRETS, eventually, startHarness, type Harness } from '../support/harness.js';

const IG_CHANNEL = 'CINSTA001';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  expect(await h.slashCommand(`connect instagram ${IG_ID} <#${IG_CHANNEL}|instagram>`)).toBe(`Instagram account \`${IG_ID}\` now opens tickets in <#${IG_CHANNEL}>.`);
});
afterAll(async () => h?.close());

let igsidSeq = 0;
const newIgsid = () => `65801125087${String(++igsidSeq).padStart(5, '0')}`;

let tsSeq = 0;
const agentTs = () => `${(Date.now() / 1000).toFixed(3)}${String((tsSeq++ % 999) + 1).padStart(3, '0')}`;

async function deliver(events: MsgEvent[], under?: 'messaging' | 'changes'): Promise<void> {
  const res = await h.postMeta(fbDelivery('instagram', events, { under }));
  expect(res.statusCode).toBe(200);
}

const customerPost = (igsid: string, text: string) => [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === igsid && m.text === text);

async function customerWrites(igsid: string, text: string, o: { mid?: string; under?: 'messaging' | 'changes' } = {}): Promise<string> {
  await deliver([msgText({ kind: 'instagram', accountId: IG_ID, from: igsid, text, mid: o.mid })], o.under);
  return (await eventually(`"${text}" in Slack`, () => customerPost(igsid, text))).thread_ts!;
}

async function agentReplies(cardTs: string, text: string): Promise<string> {
  const ts = agentTs();
  expect((await h.agentSays({ channel: IG_CHANNEL, user: 'UAGENT01', text, threadTs: cardTs, ts })).statusCode).toBe(200);
  return ts;
}

async function settle(): Promise<void> {
  await h.ponte.sweep();
  await new Promise((r) => setTimeout(r, 300));
}

const sendsTo = (igsid: string) => h.graph.messenger.calls.filter((c) => isMessengerSend(c) && (c.body as { recipient: { id: string } }).recipient.id === igsid);
const textsTo = (igsid: string) => h.graph.messengerTexts().filter((t) => t.to === igsid);
const reactionsOn = (ts: string) => h.slack.callsTo('reactions.add').filter((c) => c.params.timestamp === ts).map((c) => String(c.params.name));
const topLevel = () => [...h.slack.messages.values()].filter((m) => m.channel === IG_CHANNEL && !m.thread_ts);

/** The Instagram mid(s) of an agent's message, by its Slack ts. */
async function midsOf(ts: string): Promise<string[]> {
  const rows = await h.db.sql<{ external_id: string }[]>`
    SELECT c.external_id FROM message_links s JOIN message_links c ON c.message_id = s.message_id
    WHERE s.platform = 'slack' AND s.external_id = ${`${IG_CHANNEL}:${ts}`} AND c.platform = 'instagram' ORDER BY c.part`;
  return rows.map((r) => r.external_id);
}

async function ticketsOf(igsid: string): Promise<number> {
  const [row] = await h.db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.channel = 'instagram' AND c.external_id = ${igsid}`;
  return row!.n;
}

describe('Instagram customers reach the connected channel', () => {
  it('opens a ticket thread in the account’s channel, from `messaging[]` and from `changes[].value`', async () => {
    const a = newIgsid();
    const cardA = await customerWrites(a, 'oi, vi o anúncio');
    expect(h.slack.messages.get(`${IG_CHANNEL}/${cardA}`)?.text).toMatch(new RegExp(`^Ticket \\S+: ${a} on Instagram \\(Pending\\)$`));
    const b = newIgsid();
    const cardB = await customerWrites(b, 'chegou pelo changes', { under: 'changes' });
    expect(cardB).not.toBe(cardA);
    expect(h.thread(cardB)).toEqual(['chegou pelo changes']);
  });

  it('drops the echo of our own reply', async () => {
    const igsid = newIgsid();
    const cardTs = await customerWrites(igsid, 'primeira');
    const replyTs = await agentReplies(cardTs, 'resposta');
    const mid = await eventually('the reply’s mid', async () => (await midsOf(replyTs)).at(0));
    await deliver([msgEcho({ kind: 'instagram', accountId: IG_ID, from: igsid, mid, text: 'Maria:\nresposta' })]);
    const [echo] = await h.db.sql<{ state: string; reason: string }[]>`SELECT state, reason FROM inbound_events WHERE dedupe_key = ${`ig:e:${mid}`}`;
    expect(echo).toEqual({ state: 'ignored', reason: 'echo' });
    await customerWrites(igsid, 'segunda');
    await settle();
    expect(h.thread(cardTs).filter((t) => t.includes('resposta'))).toEqual([]);
    expect(await ticketsOf(igsid)).toBe(1);
  });
});

describe('agents’ replies', () => {
  it('go to the IGSID on me/messages with the Instagram token, split at 1000 UTF-8 bytes, in order', async () => {
    const igsid = newIgsid();
    const cardTs = await customerWrites(igsid, 'me conta tudo');
    await agentReplies(cardTs, 'Olá!');
    const send = await eventually('the send', () => sendsTo(igsid).at(0));
    expect(send.path).toBe('/v21.0/me/messages');
    expect(send.headers.authorization).toBe(`Bearer ${SECRETS.igToken}`);
    expect(send.body).toEqual({ recipient: { id: igsid }, messaging_type: 'RESPONSE', message: { text: 'Maria:\nOlá!' } });

    // Two- and four-byte characters: a split by UTF-16 length would overrun 1000 bytes (and Meta refuses that).
    const long = Array.from({ length: 300 }, (_, i) => `coração${i}😀`).join(' ');
    await agentReplies(cardTs, long);
    const parts = await eventually('every part', () => {
      const texts = textsTo(igsid).slice(1).map((t) => t.text);
      return texts.join(' ').length >= long.length ? texts : undefined;
    });
    expect(parts.length).toBeGreaterThan(4);
    expect(parts.every((p) => Buffer.byteLength(p, 'utf8') <= 1000)).toBe(true);
    expect(parts.join(' ')).toBe(`Maria:\n${long}`);
    expect(sendsTo(igsid).every((c) => c.status === 200)).toBe(true);
  });

  it('are tagged HUMAN_AGENT two days after the customer’s last message', async () => {
    const igsid = newIgsid();
    const cardTs = await customerWrites(igsid, 'oi');
    h.graph.messenger.windowClosed.add(igsid);
    await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '2 days' WHERE channel = 'instagram' AND external_id = ${igsid}`;
    await agentReplies(cardTs, 'desculpe a demora');
    await eventually('the tagged reply', () => textsTo(igsid).length === 1);
    expect(textsTo(igsid)[0]).toMatchObject({ accountId: 'me', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('are marked 👀 when Instagram says the customer saw them (`read.mid`)', async () => {
    const igsid = newIgsid();
    const cardTs = await customerWrites(igsid, 'oi');
    const replyTs = await agentReplies(cardTs, 'visto?');
    await eventually('✔️', () => reactionsOn(replyTs).includes('heavy_check_mark'));
    const [mid] = await midsOf(replyTs);
    await deliver([msgRead({ kind: 'instagram', accountId: IG_ID, from: igsid, mid: mid! })]);
    await eventually('👀', () => reactionsOn(replyTs).includes('eyes'));
  });

  it('react to a customer’s message with sender_action react on me/messages', async () => {
    const igsid = newIgsid();
    const mid = newMid('instagram');
    await customerWrites(igsid, 'amei!', { mid });
    const mirrored = customerPost(igsid, 'amei!')!;
    await h.postSlack(JSON.stringify(slackReactionEvent({ user: 'UAGENT01', reaction: 'heart', channel: IG_CHANNEL, ts: mirrored.ts })), 'application/json');
    const react = await eventually('the react', () => h.graph.messenger.calls.find((c) => (c.body as { sender_action?: string }).sender_action === 'react'));
    expect([react.path, react.headers.authorization, react.status]).toEqual(['/v21.0/me/messages', `Bearer ${SECRETS.igToken}`, 200]);
    expect(react.body).toEqual({ recipient: { id: igsid }, sender_action: 'react', payload: { message_id: mid, reaction: '❤️' } });
  });
});

describe('stories', () => {
  it('announces a story mention in the account’s channel, outside any thread, without a ticket', async () => {
    const igsid = newIgsid();
    const url = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17891234567890123&signature=StOr';
    await deliver([igStoryMention({ accountId: IG_ID, from: igsid, url })]);
    const notice = await eventually('the notice', () => topLevel().find((m) => String(m.text).includes(igsid)));
    expect(notice.text).toBe(`📣 ${igsid} mentioned you in their Instagram story: ${url.replace(/&/g, '&amp;')}`); // escaped: the link is customer data
    await settle();
    expect(await ticketsOf(igsid)).toBe(0);
    expect(topLevel().filter((m) => String(m.text).includes(igsid))).toHaveLength(1);
  });

  it('shows a story reply in the ticket’s thread with the story’s link', async () => {
    const igsid = newIgsid();
    const url = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17891234567890999&signature=RePl';
    await deliver([igStoryReply({ accountId: IG_ID, from: igsid, text: 'que lindo!', url })]);
    const post = await eventually('the reply in a thread', () => [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === igsid));
    expect(post.text).toBe(`que lindo!\n[reply to your story] ${url.replace(/&/g, '&amp;')}`);
    expect(await ticketsOf(igsid)).toBe(1);
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});

describe('files to Instagram', () => {
  it('serves an agent’s file at PUBLIC_URL/media/<token> for Instagram to fetch, sends that URL, and forgets it once expired', async () => {
    const igsid = newIgsid();
    const cardTs = await customerWrites(igsid, 'manda a foto?');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(3000, 7)]);
    const file = h.slack.registerFile({ name: 'produto.png', bytes: png });
    await h.agentSays({ channel: IG_CHANNEL, user: 'UAGENT01', text: '', threadTs: cardTs, subtype: 'file_share', files: [file], ts: agentTs() });

    const send = await eventually('the attachment send', () => sendsTo(igsid).find((c) => (c.body as { message?: { attachment?: unknown } }).message?.attachment));
    expect(send.path).toBe('/v21.0/me/messages');
    const { type, payload } = (send.body as { message: { attachment: { type: string; payload: { url: string } } } }).message.attachment;
    expect(type).toBe('image');
    expect(payload.url).toMatch(/^http:\/\/localhost:3000\/media\/[A-Za-z0-9_-]{43}$/);

    // What Meta's fetch of that URL gets: the same bytes, typed, from the web role.
    const path = new URL(payload.url).pathname;
    const served = await h.ponte.app!.inject({ method: 'GET', url: path });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(png)).toBe(true);
    expect((await h.ponte.app!.inject({ method: 'GET', url: '/media/not-a-token' })).statusCode).toBe(404);

    await h.db.sql`UPDATE public_files SET expires_at = now() - interval '1 second'`;
    expect((await h.ponte.app!.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    await h.ponte.sweep();
    const [left] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM public_files`;
    expect(left!.n).toBe(0);
  });
});
