import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WA_AD_REFERRAL, newWamid, waBatch, waMessageOfType, waTextMessage, type WaMessageOpts } from '../fixtures/meta.js';
import { slackReactionEvent } from '../fixtures/slack.js';
import { CHANNEL, PHONE_ID, eventually, nextAgentTs, startConnectedHarness, type Harness } from '../support/harness.js';
import { isMessageSend } from '../fakes/graph-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

/** Posts a customer's message with a known wamid; resolves with their card's ts once the message is in the thread. */
async function customerSends(from: string, name: string, text: string, o: WaMessageOpts = {}): Promise<{ wamid: string; cardTs: string }> {
  const wamid = newWamid();
  expect((await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name, text, id: wamid, ...o }))).statusCode).toBe(200);
  const post = await eventually(`"${text}" in Slack`, () => [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === name && m.text?.endsWith(text)));
  return { wamid, cardTs: post.thread_ts! };
}
/** The ts of the thread copy of a customer's message. */
const copyOf = (cardTs: string, text: string) => [...h.slack.messages.values()].find((m) => m.thread_ts === cardTs && m.text === text)!.ts;
const reactionsTo = (to: string) => h.graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === to && (c.body as { type?: string }).type === 'reaction');
const readsOf = (wamid: string) => h.graph.sends().filter((c) => (c.body as { status?: string; message_id?: string }).status === 'read' && (c.body as { message_id?: string }).message_id === wamid);
const reads = () => h.graph.sends().filter((c) => (c.body as { status?: string }).status === 'read');
const slackReaction = (o: Parameters<typeof slackReactionEvent>[0]) => h.postSlack(JSON.stringify(slackReactionEvent(o)), 'application/json');
const settle = async () => {
  await h.ponte.sweep();
  await new Promise((r) => setTimeout(r, 300));
};
const wamidOfReply = (to: string) => eventually('the reply’s wamid', async () => {
  const [r] = await h.db.sql<{ external_id: string }[]>`
    SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id JOIN tickets t ON t.id = m.ticket_id
    JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${to} AND l.platform = 'whatsapp' AND m.direction = 'outbound'`;
  return r?.external_id;
});

describe('every WhatsApp type reads as words in the thread', () => {
  it('shows a location, a contact card, button and list replies, and a notice for what WhatsApp does not deliver', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    // (`button_reply: undefined` drops the documented example's key the list reply is merged over.)
    const o = (dt: number): WaMessageOpts => ({ from: '5511933330001', name: 'Iara Tipos', timestamp: t0 + dt });
    await h.postMeta(waBatch(
      waMessageOfType('location', undefined, o(0)),
      waMessageOfType('contacts', undefined, o(1)),
      waMessageOfType('interactive', { type: 'button_reply', button_reply: { id: 'resolve', title: 'Resolvido' } }, o(2)),
      waMessageOfType('interactive', { type: 'list_reply', list_reply: { id: 'slot-2', title: 'Terça 14h', description: 'Loja Centro' }, button_reply: undefined }, o(3)),
      waMessageOfType('button', { payload: 'confirm', text: 'Confirmar' }, o(4)),
      waMessageOfType('unsupported', undefined, o(5)),
    ));
    const card = await eventually('the card', () => [...h.slack.messages.values()].find((m) => !m.thread_ts && m.text?.includes('Iara Tipos')));
    await eventually('six lines', () => h.thread(card.ts).length === 6);
    const [location, contact, button, list, quickReply, unsupported] = h.thread(card.ts);
    expect(location).toBe('[location] Loja Centro, Praça da Sé, São Paulo https://maps.google.com/?q=-23.5505,-46.6333');
    expect(contact).toBe('[contact] João Souza · +55 11 91234-5678 · joao@example.com');
    expect(button).toBe('Resolvido');
    expect(list).toBe('Terça 14h — Loja Centro');
    expect(quickReply).toBe('Confirmar');
    expect(unsupported).toMatch(/^\[unsupported message: poll_creation\] .*not supported.*131051.*resend/);
  });
});

describe('replies and reactions keep their target', () => {
  it('shows what a customer’s reply quotes: their own earlier message, or an agent’s reply', async () => {
    const from = '5511933330002';
    const first = await customerSends(from, 'Juca Quote', 'qual o prazo de entrega?');
    await customerSends(from, 'Juca Quote', 'desse pedido', { context: { from, id: first.wamid } });
    expect(h.thread(first.cardTs)).toContain('>qual o prazo de entrega?\ndesse pedido');

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'chega amanhã', threadTs: first.cardTs });
    const ours = await wamidOfReply(from);
    await customerSends(from, 'Juca Quote', 'obrigado!', { context: { from: '15550783881', id: ours } });
    expect(h.thread(first.cardTs)).toContain('>*Maria:* chega amanhã\nobrigado!');
  });

  it('puts a customer’s reaction on the thread copy of the message, and takes it off when they remove it', async () => {
    const from = '5511933330003';
    const { wamid, cardTs } = await customerSends(from, 'Kika React', 'chegou certinho');
    const copy = copyOf(cardTs, 'chegou certinho');
    await h.postMeta(waMessageOfType('reaction', { message_id: wamid, emoji: '👍' }, { from, name: 'Kika React' }));
    const added = await eventually('reactions.add', () => h.slack.callsTo('reactions.add').find((c) => c.params.timestamp === copy));
    expect(added.params).toMatchObject({ channel: CHANNEL, name: '+1' });

    await h.postMeta(waMessageOfType('reaction', { message_id: wamid, emoji: '' }, { from, name: 'Kika React' }));
    const removed = await eventually('reactions.remove', () => h.slack.callsTo('reactions.remove').find((c) => c.params.timestamp === copy));
    expect(removed.params).toMatchObject({ channel: CHANNEL, name: '+1' });
    // Neither reaction is a line of its own in the thread.
    expect(h.thread(cardTs)).toEqual(['chegou certinho']);

    // A reaction to an agent's reply lands on the agent's own message.
    const agentTs = nextAgentTs();
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'que bom!', threadTs: cardTs, ts: agentTs });
    const ours = await wamidOfReply(from);
    await h.postMeta(waMessageOfType('reaction', { message_id: ours, emoji: '❤️' }, { from, name: 'Kika React' }));
    const onReply = await eventually('reactions.add on the reply', () => h.slack.callsTo('reactions.add').find((c) => c.params.timestamp === agentTs && c.params.name === 'heart'));
    expect(onReply.params.channel).toBe(CHANNEL);
  });

  it('sends an agent’s reaction on a customer’s message to WhatsApp, and its removal; the bot’s own reactions stay in Slack', async () => {
    const from = '5511933330004';
    const { wamid, cardTs } = await customerSends(from, 'Lu React', 'pode confirmar?');
    const copy = copyOf(cardTs, 'pode confirmar?');
    // Ponte's own reactions come back as events too: on the customer's copy and a delivery mark.
    const agentTs = nextAgentTs();
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'confirmado', threadTs: cardTs, ts: agentTs });
    await eventually('the ✔️ mark', () => h.slack.callsTo('reactions.add').some((c) => c.params.timestamp === agentTs && c.params.name === 'heavy_check_mark'));
    await slackReaction({ user: 'UPONTEBOT', reaction: 'heavy_check_mark', channel: CHANNEL, ts: agentTs, eventId: 'Ev0BOTMARK01' });
    await slackReaction({ user: 'UPONTEBOT', reaction: 'eyes', channel: CHANNEL, ts: copy, eventId: 'Ev0BOTCOPY01' });

    // João has not written in this workspace yet: his profile is looked up on the way.
    await slackReaction({ user: 'UAGENT02', reaction: 'heart', channel: CHANNEL, ts: copy });
    const react = await eventually('the reaction send', () => reactionsTo(from)[0]);
    expect(react.body).toMatchObject({ messaging_product: 'whatsapp', to: from, type: 'reaction', reaction: { message_id: wamid, emoji: '❤️' } });

    await slackReaction({ user: 'UAGENT02', reaction: 'heart', channel: CHANNEL, ts: copy, removed: true });
    await eventually('the removal', () => reactionsTo(from).length === 2);
    expect(reactionsTo(from)[1]!.body).toMatchObject({ type: 'reaction', reaction: { message_id: wamid, emoji: '' } });

    await settle();
    expect(reactionsTo(from)).toHaveLength(2);
    const bots = await h.db.sql<{ state: string }[]>`SELECT state FROM inbound_events WHERE dedupe_key IN ('slack:e:Ev0BOTMARK01', 'slack:e:Ev0BOTCOPY01')`;
    expect(bots.map((r) => r.state)).toEqual(['ignored', 'ignored']);
  });
});

describe('the customer sees their messages read', () => {
  /** The read receipt for `wamid` went out, before the reply whose text ends with `replyText`. */
  async function readBefore(wamid: string, from: string, replyText: string): Promise<void> {
    const reply = await eventually(`the reply "${replyText}"`, () =>
      h.graph.sends().find((c) => isMessageSend(c) && (c.body as { to: string }).to === from && (c.body as { text?: { body: string } }).text?.body.endsWith(replyText)));
    const [read] = readsOf(wamid);
    expect(read, 'a read receipt for the newest message').toBeDefined();
    expect(read!.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(h.graph.calls.indexOf(read!)).toBeLessThan(h.graph.calls.indexOf(reply));
  }

  it('marks the newest customer message read before a reply, and not again without a new message', async () => {
    const from = '5511933330005';
    await customerSends(from, 'Mel Lida', 'oi');
    const { wamid: newest, cardTs } = await customerSends(from, 'Mel Lida', 'tem alguém?');
    // The first reply also accepts the pending ticket.
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'tem sim', threadTs: cardTs });
    await readBefore(newest, from, 'tem sim');

    const before = reads().length;
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'como posso ajudar?', threadTs: cardTs });
    await eventually('the second reply', () => h.textsSentTo(from).length === 2);
    await settle();
    expect(reads().length).toBe(before);

    // On the open ticket, a new customer message is marked by the next reply, before it.
    const { wamid: later } = await customerSends(from, 'Mel Lida', 'meu pedido 123');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'vou ver', threadTs: cardTs });
    await readBefore(later, from, 'vou ver');
    expect(reads().length).toBe(before + 1);
  });

  it('marks read when an agent accepts with !accept', async () => {
    const from = '5511933330006';
    const { wamid, cardTs } = await customerSends(from, 'Nei Aceite', 'preciso de ajuda');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!accept', threadTs: cardTs });
    await eventually('the read receipt', () => readsOf(wamid).length === 1);
  });
});

describe('who the customer is and where they came from', () => {
  it('follows a WhatsApp number change: a notice in the thread, and the new number lands in the same ticket', async () => {
    const oldId = '5511933330007';
    const newId = '5511933330077';
    const { cardTs } = await customerSends(oldId, 'Olga Troca', 'oi, mudei de chip');
    await h.postMeta(waMessageOfType('system', { body: `User Olga Troca changed from ${oldId} to ${newId}`, wa_id: newId, type: 'user_changed_number' }, { from: oldId }));
    const notice = await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('📱')));
    // Masked, like the card: the whole channel reads the thread (WhatsApp's own line names both numbers).
    expect(notice).toBe('📱 The customer changed their number: •••• 0077. This ticket now follows the new number.');
    // The card follows the new number.
    await eventually('the card updated', () => JSON.stringify(h.slack.messages.get(`${CHANNEL}/${cardTs}`)!.blocks).includes('•••• 0077'));

    const later = await customerSends(newId, 'Olga Troca', 'agora deste número');
    expect(later.cardTs).toBe(cardTs);
    const cards = [...h.slack.messages.values()].filter((m) => !m.thread_ts && m.text?.includes('Olga Troca'));
    expect(cards).toHaveLength(1);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'recebido', threadTs: cardTs });
    await eventually('the reply to the new number', () => h.textsSentTo(newId).length === 1);
    expect(h.textsSentTo(oldId)).toEqual([]);
  });

  it('shows on the card where a click-to-WhatsApp ad brought the customer from', async () => {
    const from = '5511933330008';
    const { cardTs } = await customerSends(from, 'Paula Ads', 'vi o anúncio', { referral: WA_AD_REFERRAL });
    const card = h.slack.callsTo('chat.postMessage').find((c) => !c.params.thread_ts && String(c.params.text).includes('Paula Ads'))!;
    expect(JSON.stringify(card.params.blocks)).toContain(`*Came from*\\n${WA_AD_REFERRAL.headline} — ${WA_AD_REFERRAL.source_url}`);
    expect(h.thread(cardTs)).toEqual(['vi o anúncio']);

    // An ad click in a conversation already open: the card is updated to show it.
    const other = await customerSends('5511933330009', 'Quico Ads', 'oi');
    expect(JSON.stringify(h.slack.messages.get(`${CHANNEL}/${other.cardTs}`)!.blocks)).not.toContain('Came from');
    await customerSends('5511933330009', 'Quico Ads', 'e esse anúncio?', { referral: { ...WA_AD_REFERRAL, headline: 'Frete grátis' } });
    await eventually('the card updated', () => JSON.stringify(h.slack.messages.get(`${CHANNEL}/${other.cardTs}`)!.blocks).includes('Frete grátis'));
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});
