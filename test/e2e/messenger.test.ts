// Messenger end to end, driven the way Meta and Slack drive Ponte: signed `object: page`
// webhooks, Slack events, and what the fake Graph (Send API, attachment CDN) and the fake Slack
// received. Time is simulated by moving the contact's last message back in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { fbDelivery, msgAttachments, msgDelivery, msgEcho, msgRead, msgReaction, msgText, newMid, type MsgEvent } from '../fixtures/messenger.js';
import { slackReactionEvent } from '../fixtures/slack.js';
import { isMessengerSend } from '../fakes/messenger-api.js';
import { PAGE_ID, SECRETS, eventually, startHarness, type Harness } from '../support/harness.js';

const FB_CHANNEL = 'CFBPAGE01';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // As an admin would: the page's tickets open in their own channel.
  expect(await h.slashCommand(`connect messenger ${PAGE_ID} <#${FB_CHANNEL}|facebook>`)).toBe(`Facebook page \`${PAGE_ID}\` now opens tickets in <#${FB_CHANNEL}>.`);
});
afterAll(async () => h?.close());

let psidSeq = 0;
/** A fresh customer (PSID) per test, so tests never share a ticket. */
const newPsid = () => `72541814279${String(++psidSeq).padStart(5, '0')}`;

let tsSeq = 0;
/** A Slack ts for "now" (the watermarks compare it with Meta's times), unique in the file. */
const agentTs = () => `${(Date.now() / 1000).toFixed(3)}${String((tsSeq++ % 999) + 1).padStart(3, '0')}`;

async function deliver(events: MsgEvent[], under?: 'messaging' | 'standby' | 'changes'): Promise<void> {
  const res = await h.postMeta(fbDelivery('messenger', events, { under }));
  expect(res.statusCode).toBe(200);
}

/** Ponte's post of a customer's words in a thread (under their name: Messenger gives only the PSID). */
const customerPost = (psid: string, text: string) => [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === psid && m.text === text);

/** The customer writes; resolves with the ts of their ticket's thread (its card). */
async function customerWrites(psid: string, text: string, o: { mid?: string; under?: 'messaging' | 'standby' } = {}): Promise<string> {
  await deliver([msgText({ accountId: PAGE_ID, from: psid, text, mid: o.mid })], o.under);
  return (await eventually(`"${text}" in Slack`, () => customerPost(psid, text))).thread_ts!;
}

/** An agent writes in the thread; resolves with their message's ts. */
async function agentReplies(cardTs: string, text: string): Promise<string> {
  const ts = agentTs();
  expect((await h.agentSays({ channel: FB_CHANNEL, user: 'UAGENT01', text, threadTs: cardTs, ts })).statusCode).toBe(200);
  return ts;
}

/** Lets anything still queued run, so a test can say that something did not happen. */
async function settle(): Promise<void> {
  await h.ponte.sweep();
  await new Promise((r) => setTimeout(r, 300));
}

const sendsTo = (psid: string) => h.graph.messenger.calls.filter((c) => isMessengerSend(c) && (c.body as { recipient: { id: string } }).recipient.id === psid);
const textsTo = (psid: string) => h.graph.messengerTexts().filter((t) => t.to === psid);
const reactionsOn = (ts: string, method = 'reactions.add') => h.slack.callsTo(method).filter((c) => c.params.timestamp === ts).map((c) => String(c.params.name));
const alerts = () => [...h.slack.messages.values()].filter((m) => m.channel === FB_CHANNEL && !m.thread_ts && String(m.text).startsWith('⚠️'));

/** The Messenger mid(s) of an agent's message, by its Slack ts. */
async function midsOf(ts: string): Promise<string[]> {
  const rows = await h.db.sql<{ external_id: string }[]>`
    SELECT c.external_id FROM message_links s JOIN message_links c ON c.message_id = s.message_id
    WHERE s.platform = 'slack' AND s.external_id = ${`${FB_CHANNEL}:${ts}`} AND c.platform = 'messenger' ORDER BY c.part`;
  return rows.map((r) => r.external_id);
}

async function ticketsOf(psid: string): Promise<number> {
  const [row] = await h.db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.channel = 'messenger' AND c.external_id = ${psid}`;
  return row!.n;
}

describe('Messenger customers reach the connected channel', () => {
  it('asks the User Profile API for the customer’s name when their first ticket opens: the card and their messages show it', async () => {
    const psid = newPsid();
    h.graph.messenger.profiles.set(psid, { first_name: 'Ana', last_name: 'Lima' });
    await deliver([msgText({ accountId: PAGE_ID, from: psid, text: 'olá, sou a Ana' })]);
    const post = await eventually('the message under her name', () =>
      [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === 'Ana Lima' && m.text === 'olá, sou a Ana'));
    expect(h.slack.messages.get(`${FB_CHANNEL}/${post.thread_ts}`)?.text).toMatch(/^Ticket \S+: Ana Lima on Messenger \(Pending\)$/);
    const lookup = h.graph.messenger.calls.find((c) => c.method === 'GET' && c.path.endsWith(`/${psid}`));
    expect(lookup?.query.fields).toBe('first_name,last_name');
    expect(lookup?.headers.authorization).toBe(`Bearer ${SECRETS.pageToken}`);
  });

  it('opens a ticket thread in the page’s channel for a message, with the text under the customer', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'Oi, meu pedido atrasou');
    const card = h.slack.messages.get(`${FB_CHANNEL}/${cardTs}`);
    expect(card?.text).toMatch(new RegExp(`^Ticket \\S+: ${psid} on Messenger \\(Pending\\)$`));
    expect(h.thread(cardTs)).toEqual(['Oi, meu pedido atrasou']);
  });

  it('reads standby events too (another app holds the thread)', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'mensagem em standby', { under: 'standby' });
    expect(h.slack.messages.get(`${FB_CHANNEL}/${cardTs}`)?.text).toContain(psid);
  });

  it('drops echoes — of our own reply and of the Page inbox — without a ticket or a post', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'primeira');
    const replyTs = await agentReplies(cardTs, 'resposta da Maria');
    const ourMid = await eventually('the reply’s mid', async () => (await midsOf(replyTs)).at(0));
    const inboxPsid = newPsid();
    const inboxMid = newMid();
    await deliver([
      msgEcho({ accountId: PAGE_ID, from: psid, mid: ourMid, text: 'Maria:\nresposta da Maria' }),
      msgEcho({ accountId: PAGE_ID, from: inboxPsid, mid: inboxMid, text: 'written in the Page inbox' }),
    ]);
    const echoes = await h.db.sql<{ state: string; reason: string }[]>`
      SELECT state, reason FROM inbound_events WHERE dedupe_key IN (${`fb:e:${ourMid}`}, ${`fb:e:${inboxMid}`})`;
    expect(echoes).toEqual([{ state: 'ignored', reason: 'echo' }, { state: 'ignored', reason: 'echo' }]);
    await customerWrites(psid, 'segunda');
    await settle();
    expect(h.thread(cardTs).filter((t) => /resposta da Maria|Page inbox/.test(t))).toEqual([]);
    expect(h.thread(cardTs).at(-1)).toBe('segunda');
    expect(await ticketsOf(inboxPsid)).toBe(0);
    expect(await ticketsOf(psid)).toBe(1);
  });
});

describe('agents’ replies reach the customer through the Send API', () => {
  it('sends a reply to the PSID on /{page_id}/messages with the page token, as RESPONSE', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'alguém aí?');
    await agentReplies(cardTs, 'Oi! Já vejo isso &amp; te aviso');
    const send = await eventually('the send', () => sendsTo(psid).at(0));
    expect(send.path).toBe(`/v21.0/${PAGE_ID}/messages`);
    expect(send.headers.authorization).toBe(`Bearer ${SECRETS.pageToken}`);
    expect(send.body).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Maria:\nOi! Já vejo isso & te aviso' } });
    expect(send.status).toBe(200);
  });

  it('splits a reply longer than 2000 characters into ordered parts of at most 2000', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'manda o contrato inteiro');
    const long = Array.from({ length: 700 }, (_, i) => `cláusula${i}`).join(' ');
    await agentReplies(cardTs, long);
    await eventually('all parts', () => textsTo(psid).map((t) => t.text).join(' ').length >= long.length);
    const parts = textsTo(psid).map((t) => t.text);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ')).toBe(`Maria:\n${long}`);
    expect(textsTo(psid).every((t) => t.messagingType === 'RESPONSE')).toBe(true);
  });
});

describe('the reply window', () => {
  it('tags a person’s reply HUMAN_AGENT after 24 h, refuses it after 7 days, and never tags an automatic message', async () => {
    expect(await h.slashCommand('message accept Olá, aqui é {agent}.')).toMatch(/accept message is now/);
    try {
      // Inside 24 h the accept message goes, untagged: it is on.
      const fresh = newPsid();
      const freshCard = await customerWrites(fresh, 'oi');
      await agentReplies(freshCard, 'dentro da janela');
      await eventually('the accept message and the reply', () => textsTo(fresh).length === 2);
      expect(textsTo(fresh).map((t) => [t.text, t.messagingType, t.tag])).toEqual([
        ['Olá, aqui é Maria.', 'RESPONSE', undefined],
        ['Maria:\ndentro da janela', 'RESPONSE', undefined],
      ]);

      // Two days later: Meta refuses untagged sends; the person's reply goes tagged, the accept message not at all.
      const late = newPsid();
      const lateCard = await customerWrites(late, 'oi');
      h.graph.messenger.windowClosed.add(late);
      await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '2 days' WHERE channel = 'messenger' AND external_id = ${late}`;
      await agentReplies(lateCard, 'fora das 24 horas');
      await eventually('the tagged reply', () => textsTo(late).length === 1);
      await settle();
      expect(textsTo(late)).toEqual([{ accountId: PAGE_ID, to: late, text: 'Maria:\nfora das 24 horas', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }]);
      expect(sendsTo(late)).toHaveLength(1);

      // Eight days later: nothing goes, and the thread says why.
      const gone = newPsid();
      const goneCard = await customerWrites(gone, 'oi');
      await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '8 days' WHERE channel = 'messenger' AND external_id = ${gone}`;
      await agentReplies(goneCard, 'tarde demais');
      const notice = await eventually('the notice', () => h.thread(goneCard).find((t) => t.startsWith('Not sent')));
      expect(notice).toBe('Not sent: the customer last wrote more than 168 hours ago, and this channel accepts nothing more until they write again.');
      await settle();
      expect(sendsTo(gone)).toHaveLength(0);
    } finally {
      await h.slashCommand('message accept off');
    }
  });
});

describe('delivery marks', () => {
  it('moves ✅ and 👀 forward with delivery and read watermarks, never back; a delivery naming mids too', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'oi');
    const first = await agentReplies(cardTs, 'primeira');
    await eventually('✔️ on the first', () => reactionsOn(first).includes('heavy_check_mark'));
    const between = Date.now();
    await eventually('a later millisecond', () => Date.now() > between);
    const second = await agentReplies(cardTs, 'segunda');
    await eventually('✔️ on the second', () => reactionsOn(second).includes('heavy_check_mark'));

    // Delivered up to `between`: the first reply only.
    await deliver([msgDelivery({ accountId: PAGE_ID, from: psid, watermark: between })]);
    await eventually('✅ on the first', () => reactionsOn(first).includes('white_check_mark'));
    // Read up to now: both.
    await deliver([msgRead({ accountId: PAGE_ID, from: psid, watermark: Date.now() })]);
    await eventually('👀 on both', () => reactionsOn(first).includes('eyes') && reactionsOn(second).includes('eyes'));
    // A late delivery watermark moves nothing back and marks nothing again.
    await deliver([msgDelivery({ accountId: PAGE_ID, from: psid, watermark: Date.now() })]);
    await settle();
    expect(reactionsOn(first)).toEqual(['heavy_check_mark', 'white_check_mark', 'eyes']);
    expect(reactionsOn(second)).toEqual(['heavy_check_mark', 'eyes']);
    const states = await h.db.sql<{ delivery_status: string }[]>`
      SELECT m.delivery_status FROM messages m JOIN tickets t ON t.id = m.ticket_id JOIN contacts c ON c.id = t.contact_id
      WHERE c.external_id = ${psid} AND m.direction = 'outbound' ORDER BY m.id`;
    expect(states.map((s) => s.delivery_status)).toEqual(['read', 'read']);

    // `delivery.mids` names the messages: the watermark (older than this reply) does not matter then.
    const third = await agentReplies(cardTs, 'terceira');
    const mid = await eventually('its mid', async () => (await midsOf(third)).at(0));
    await deliver([msgDelivery({ accountId: PAGE_ID, from: psid, mids: [mid], watermark: between })]);
    await eventually('✅ on the third', () => reactionsOn(third).includes('white_check_mark'));
  });
});

describe('customers’ files', () => {
  it('mirrors an image from Meta’s CDN into the thread as a file; a URL on another host is not fetched, and the thread says why', async () => {
    const psid = newPsid();
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a customer photo')]);
    const url = h.graph.addAttachment('foto.jpg', { bytes, mimeType: 'image/jpeg' });
    await deliver([msgAttachments({ accountId: PAGE_ID, from: psid, attachments: [{ type: 'image', payload: { url } }] })]);
    const line = await eventually('the [image] line', () => customerPost(psid, '[image]'));
    const upload = await eventually('the upload in the thread', () => [...h.slack.uploads.values()].find((u) => u.completed?.thread_ts === line.thread_ts));
    expect(upload.completed?.channel_id).toBe(FB_CHANNEL);
    expect(upload.bytes).toEqual(bytes);
    expect(h.graph.messenger.cdnRequests.filter((r) => url.includes(r.path))).toEqual([{ path: new URL(url).pathname, signed: true }]);

    const elsewhere = nock('https://files.example.net').get(/.*/).reply(200, bytes, { 'content-type': 'image/jpeg' });
    try {
      await deliver([msgAttachments({ accountId: PAGE_ID, from: psid, text: 'e esta', attachments: [{ type: 'image', payload: { url: 'https://files.example.net/x/foto.jpg?sig=1' } }] })]);
      const notice = await eventually('the notice', () => h.thread(line.thread_ts!).find((t) => t.startsWith('📎')));
      expect(notice).toBe('📎 The customer’s file could not be shown here: media URL host is not allowed: files.example.net. Ask them to send it again, or another way.');
      expect(h.thread(line.thread_ts!)).toContain('e esta\n[image]');
      expect(elsewhere.isDone()).toBe(false);
    } finally {
      nock.cleanAll();
    }
  });
});

describe('reactions', () => {
  it('shows a customer’s reaction (and its removal) on the agent’s message, and sends an agent’s as sender_action react', async () => {
    const psid = newPsid();
    const customerMid = newMid();
    const cardTs = await customerWrites(psid, 'obrigado!', { mid: customerMid });
    const replyTs = await agentReplies(cardTs, 'por nada');
    const ourMid = await eventually('the reply’s mid', async () => (await midsOf(replyTs)).at(0));

    await deliver([msgReaction({ accountId: PAGE_ID, from: psid, mid: ourMid, action: 'react', emoji: '\u{2764}\u{FE0F}', reaction: 'love' })]);
    await eventually('❤️ on the agent’s message', () => reactionsOn(replyTs).includes('heart'));
    await deliver([msgReaction({ accountId: PAGE_ID, from: psid, mid: ourMid, action: 'unreact' })]);
    await eventually('❤️ taken off', () => reactionsOn(replyTs, 'reactions.remove').includes('heart'));

    // The agent reacts to the customer's message as Ponte mirrored it.
    const mirrored = customerPost(psid, 'obrigado!')!;
    const react = (removed: boolean) => h.postSlack(JSON.stringify(slackReactionEvent({ user: 'UAGENT01', reaction: 'thumbsup', channel: FB_CHANNEL, ts: mirrored.ts, removed })), 'application/json');
    await react(false);
    const actions = () => h.graph.messenger.calls.filter((c) => (c.body as { sender_action?: string } | undefined)?.sender_action?.endsWith('react'));
    await eventually('the react', () => actions().length === 1);
    await react(true);
    await eventually('the unreact', () => actions().length === 2);
    expect(actions().map((c) => [c.path, c.body])).toEqual([
      [`/v21.0/${PAGE_ID}/messages`, { recipient: { id: psid }, sender_action: 'react', payload: { message_id: customerMid, reaction: '👍' } }],
      [`/v21.0/${PAGE_ID}/messages`, { recipient: { id: psid }, sender_action: 'unreact', payload: { message_id: customerMid } }],
    ]);
    expect(actions().every((c) => c.status === 200)).toBe(true);
  });
});

describe('Send API errors', () => {
  it('explains 551 (this person isn’t available) in the thread', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'oi');
    h.graph.messenger.unavailable.add(psid);
    await agentReplies(cardTs, 'você está aí?');
    const notice = await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('Not delivered')));
    expect(notice).toMatch(/^Not delivered: this customer cannot receive messages on this channel \(\(#551\) This person isn't available right now\. \(code 551\/1545041\)\)/);
    await settle();
    expect(sendsTo(psid)).toHaveLength(1); // not retried
  });

  it('explains a refusal as outside the window (10/2534022) without offering templates, which Messenger has none of', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'oi');
    await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '3 days' WHERE channel = 'messenger' AND external_id = ${psid}`;
    // Meta refuses even the tagged reply (e.g. the page lacks the Human Agent permission).
    h.graph.messenger.failures.push({ status: 400, error: { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2534022 }, when: isMessengerSend });
    await agentReplies(cardTs, 'ainda dá?');
    const notice = await eventually('the notice', () => [...h.slack.messages.values()].find((m) => m.thread_ts === cardTs && String(m.text).startsWith('Not delivered')));
    expect(notice.text).toMatch(/^Not delivered: the platform says the customer’s reply window is closed \(\(#10\) This message is sent outside of allowed window\. \(code 10\/2534022\)\)\./);
    expect(notice.text).not.toContain('!template');
    expect(notice.blocks).toBeUndefined(); // no "Send a template" button
  });

  it('on 190 marks the page unhealthy in /ponte status and alerts its channel once; a working send heals it', async () => {
    const account = h.graph.messenger.accounts.get(PAGE_ID)!;
    const first = newPsid();
    const second = newPsid();
    const firstCard = await customerWrites(first, 'oi');
    const secondCard = await customerWrites(second, 'oi');
    account.token = 'EAAGtest-a-newer-page-token'; // the environment's token is now revoked
    try {
      await agentReplies(firstCard, 'primeira tentativa');
      const notice = await eventually('the notice', () => h.thread(firstCard).find((t) => t.startsWith('Not delivered')));
      expect(notice).toMatch(/^Not delivered: the platform refused Ponte’s access token \(Invalid OAuth access token\. \(code 190\)\)/);
      const status = await eventually('unhealthy', async () => {
        const s = await h.slashCommand('status');
        return s.includes('unhealthy') ? s : undefined;
      });
      expect(status).toContain(`• messenger \`${PAGE_ID}\` → <#${FB_CHANNEL}> (unhealthy: the access token was refused`);
      await eventually('the alert', () => alerts().length === 1);
      expect(alerts()[0]!.text).toMatch(new RegExp(`^⚠️ Admins: the messenger account \`${PAGE_ID}\` cannot send`));

      await agentReplies(secondCard, 'segunda tentativa');
      await eventually('the second notice', () => h.thread(secondCard).find((t) => t.startsWith('Not delivered')));
      await settle();
      expect(alerts()).toHaveLength(1);
    } finally {
      account.token = SECRETS.pageToken;
    }
    await agentReplies(secondCard, 'agora vai');
    await eventually('delivered', () => textsTo(second).length === 1);
    await eventually('healthy again', async () => !(await h.slashCommand('status')).includes('unhealthy'));
  });

  it('waits out 613 with Retry-After and delivers once', async () => {
    const psid = newPsid();
    const cardTs = await customerWrites(psid, 'oi');
    h.graph.messenger.failures.push({ status: 400, error: { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 }, retryAfter: 1, when: isMessengerSend });
    await agentReplies(cardTs, 'com calma');
    await eventually('delivered after the pause', () => textsTo(psid).length === 1, 10_000);
    await settle();
    expect(sendsTo(psid).map((c) => c.status)).toEqual([400, 200]);
    expect(textsTo(psid).map((t) => t.text)).toEqual(['Maria:\ncom calma']);
    expect(h.thread(cardTs).filter((t) => t.startsWith('Not delivered'))).toEqual([]);
  });
});

describe('/ponte connect messenger', () => {
  it('refuses what is not a page id, in words, and connects nothing', async () => {
    expect(await h.slashCommand('connect messenger minha-pagina')).toBe('`minha-pagina` does not look like a messenger account id (digits only, from Meta’s WhatsApp Manager or the page’s / account’s settings).');
    expect(await h.slashCommand('connect messenger')).toMatch(/^Usage: `\/ponte connect &lt;whatsapp\|messenger\|instagram&gt; &lt;account id&gt;/);
    expect(await h.slashCommand('connect telegram 12345678')).toMatch(/^`telegram` is not a channel Ponte can connect/);
    expect(await h.slashCommand('connect messenger 104917382610000 #nowhere')).toMatch(/^Pick the channel from Slack’s autocomplete/);
    expect(await h.slashCommand(`connect messenger 104917382610000`, 'UAGENT01')).toMatch(/only Ponte admins/);
    const rows = await h.db.sql<{ account_id: string }[]>`SELECT account_id FROM connections WHERE channel = 'messenger'`;
    expect(rows.map((r) => r.account_id)).toEqual([PAGE_ID]);
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});
