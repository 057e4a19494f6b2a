import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waBatch, waTextMessage } from '../fixtures/meta.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, eventually, startHarness, type Harness } from '../support/harness.js';
import type { SlackCall } from '../fakes/slack-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  expect(await h.slashCommand(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`, ADMIN)).toContain(PHONE_ID);
});
afterAll(async () => h?.close());

const posts = () => h.slack.callsTo('chat.postMessage');
const cards = () => posts().filter((c) => !c.params.thread_ts);
const inThread = (ts: string) => posts().filter((c) => c.params.thread_ts === ts);
const sends = () => h.graph.sends();
const textOf = (c: SlackCall) => String(c.params.text);

async function cardFor(customer: string): Promise<string> {
  const card = await eventually(`a ticket card for ${customer}`, () => cards().find((c) => textOf(c).includes(customer)));
  const ts = h.slack.messages.size ? [...h.slack.messages.values()].find((m) => m.text === card.params.text && !m.thread_ts)?.ts : undefined;
  if (!ts) throw new Error('card has no ts');
  return ts;
}

describe('WhatsApp ⇄ Slack end to end', () => {
  it('mirrors a customer text as a new thread under a ticket card, in the connected channel', async () => {
    const res = await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511987654321', name: 'Carla Dias', text: 'Oi, meu pedido atrasou' }));
    expect(res.statusCode).toBe(200);
    const cardTs = await cardFor('Carla Dias');
    const card = cards().find((c) => textOf(c).includes('Carla Dias'))!;
    expect(card.params.channel).toBe(CHANNEL);
    expect(JSON.stringify(card.params.blocks)).toMatch(/Protocol/);
    // The phone is masked on the card (the whole channel sees it).
    expect(JSON.stringify(card.params.blocks)).toContain('•••• 4321');
    expect(JSON.stringify(card.params.blocks)).not.toContain('5511987654321');
    const msg = await eventually('the message in the thread', () => inThread(cardTs)[0]);
    expect(msg.params.text).toBe('Oi, meu pedido atrasou');
    expect(msg.params.username).toBe('Carla Dias');
  });

  it('shows a webhook delivered twice once', async () => {
    const body = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000001', name: 'Duda', text: 'só uma vez' });
    const [a, b] = await Promise.all([h.postMeta(body), h.postMeta(body)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const cardTs = await cardFor('Duda');
    await eventually('the message', () => inThread(cardTs).length === 1);
    await h.postMeta(body); // a third, later redelivery
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(inThread(cardTs).filter((c) => c.params.text === 'só uma vez')).toHaveLength(1);
    expect(cards().filter((c) => textOf(c).includes('Duda'))).toHaveLength(1);
  });

  it('mirrors every message of a batched delivery, in timestamp order', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const second = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000002', name: 'Edu', text: 'segunda', timestamp: t0 + 1 });
    const first = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000002', name: 'Edu', text: 'primeira', timestamp: t0 });
    const other = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000003', name: 'Fabi', text: 'outra pessoa', timestamp: t0 });
    await h.postMeta(waBatch(second, first, other));
    const edu = await cardFor('Edu');
    const fabi = await cardFor('Fabi');
    await eventually('both of Edu’s messages', () => inThread(edu).length === 2);
    expect(inThread(edu).map(textOf)).toEqual(['primeira', 'segunda']);
    await eventually('Fabi’s message', () => inThread(fabi).length === 1);
  });

  it('keeps a burst of customer messages in order in the same thread', async () => {
    const from = '5511900000004';
    const t0 = Math.floor(Date.now() / 1000);
    const texts = Array.from({ length: 15 }, (_, i) => `msg ${i + 1}`);
    // Sent one after another, as Meta does for one conversation, without waiting for Slack.
    for (const [i, text] of texts.entries()) {
      const res = await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Gil', text, timestamp: t0 + i }));
      expect(res.statusCode).toBe(200);
    }
    const cardTs = await cardFor('Gil');
    await eventually('all 15 messages', () => inThread(cardTs).length === 15);
    expect(inThread(cardTs).map(textOf)).toEqual(texts);
    expect(cards().filter((c) => textOf(c).includes('Gil'))).toHaveLength(1);
  });

  it('relays an agent’s thread reply to the customer, signed, with the bearer token; a Slack retry sends nothing twice', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000005', name: 'Hana', text: 'alguém aí?' }));
    const cardTs = await cardFor('Hana');
    const eventId = 'Ev0REPLY0001';
    const ts = '1800000100.000100';
    const res = await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Hana, já vejo isso &amp; te aviso', threadTs: cardTs, eventId, ts });
    expect(res.statusCode).toBe(200);
    const send = await eventually('the WhatsApp send', () => sends().find((c) => (c.body as { to?: string }).to === '5511900000005'));
    expect(send.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    expect(send.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(send.body).toMatchObject({ messaging_product: 'whatsapp', type: 'text', text: { body: '*Maria:*\nOi Hana, já vejo isso & te aviso' } });

    // Slack retries the same event (x-slack-retry-num: 1), and a second copy arrives.
    expect((await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Hana, já vejo isso &amp; te aviso', threadTs: cardTs, eventId, ts }, 1)).statusCode).toBe(200);
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(sends().filter((c) => (c.body as { to?: string }).to === '5511900000005')).toHaveLength(1);

    // Replying accepted the pending ticket: the card now shows Maria.
    await eventually('the card updated with the assignee', () =>
      h.slack.callsTo('chat.update').find((c) => c.params.ts === cardTs && JSON.stringify(c.params.blocks).includes('Maria')),
    );
  });

  it('keeps notes and our own bot posts internal', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000006', name: 'Ivo', text: 'oi' }));
    const cardTs = await cardFor('Ivo');
    const before = sends().length;
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!note cliente VIP', threadTs: cardTs });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '// checar estoque', threadTs: cardTs });
    await h.agentSays({ channel: CHANNEL, user: 'UPONTEBOT', text: 'echo of our own post', threadTs: cardTs, botId: 'BPONTE01', subtype: 'bot_message' });
    await eventually('two 🔒 reactions', () => h.slack.callsTo('reactions.add').filter((c) => c.params.name === 'lock').length >= 2);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'agora sim', threadTs: cardTs });
    await eventually('the real reply', () => sends().some((c) => JSON.stringify(c.body).includes('agora sim')));
    const toIvo = sends().slice(before).filter((c) => (c.body as { to?: string }).to === '5511900000006');
    expect(toIvo.map((c) => (c.body as { text: { body: string } }).text.body)).toEqual(['*Maria:*\nagora sim']);
  });

  it('!resolve resolves; the next customer message opens a new ticket in a new thread', async () => {
    const from = '5511900000007';
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Júlia', text: 'primeiro assunto' }));
    const firstTs = await cardFor('Júlia');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!resolve', threadTs: firstTs });
    await eventually('the resolved notice', () => inThread(firstTs).find((c) => /resolved by João/.test(textOf(c))));
    await eventually('the card shows resolved', () => h.slack.callsTo('chat.update').find((c) => c.params.ts === firstTs && /Resolved/.test(JSON.stringify(c.params.blocks))));

    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Júlia', text: 'novo assunto' }));
    await eventually('a second card', () => cards().filter((c) => textOf(c).includes('Júlia')).length === 2);
    const [first, second] = cards().filter((c) => textOf(c).includes('Júlia'));
    expect(first!.params.text).not.toEqual(second!.params.text); // a new protocol
    // The new card links the previous ticket.
    const firstProtocol = /Ticket (\S+):/.exec(textOf(first!))![1]!;
    expect(JSON.stringify(second!.params.blocks)).toContain(firstProtocol);
    const rows = await h.db.sql<{ status: string }[]>`
      SELECT t.status FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${from} ORDER BY t.id`;
    expect(rows.map((r) => r.status)).toEqual(['resolved', 'pending']);
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});

describe('threads that are not tickets', () => {
  it('ignores chat in other threads without looking anyone up', async () => {
    const lookups = h.slack.callsTo('users.info').length;
    const res = await h.agentSays({ channel: CHANNEL, user: 'UAGENT09', text: 'lunch?', threadTs: '1700000000.000001', eventId: 'Ev0NOTTICKET' });
    expect(res.statusCode).toBe(200);
    const row = await eventually('the event handled', async () => {
      const [r] = await h.db.sql<{ state: string; reason: string }[]>`SELECT state, reason FROM inbound_events WHERE dedupe_key = 'slack:e:Ev0NOTTICKET' AND state <> 'pending'`;
      return r;
    });
    expect(row).toEqual({ state: 'ignored', reason: 'not_a_ticket_thread' });
    expect(h.slack.callsTo('users.info').length).toBe(lookups);
  });
});
