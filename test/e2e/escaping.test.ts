// Customer-controlled text never becomes Slack markup in what Ponte itself writes: a WhatsApp
// profile name like `<!channel> <https://evil|Support>` must not ping the channel or show a
// disguised link under Ponte's name in `!contact`, the shown phone, `/ponte search|tickets`, or
// an Instagram story-mention notice. Ponte escapes it (`&lt;!channel&gt;`), so Slack shows the
// words as they were typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fbDelivery, igStoryMention } from '../fixtures/messenger.js';
import { waStatus } from '../fixtures/meta.js';
import { eventCallback, interactionBody } from '../fixtures/slack.js';
import { agentLane, announceLane, enqueue } from '../../src/pipeline/outbox.js';
import { ADMIN, CHANNEL, IG_ID, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

const EVIL = '<!channel> <https://evil|Support>';
const ESCAPED = '&lt;!channel&gt; &lt;https://evil|Support&gt;';
const IG_CHANNEL = 'CINSTA002';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand(`connect instagram ${IG_ID} <#${IG_CHANNEL}|instagram>`);
});
afterAll(async () => h?.close());

/**
 * Every piece of Slack markup Ponte sent: `text` of each call and every mrkdwn block text.
 * (`username` and plain_text are shown as typed by Slack, never parsed, so they do not count.)
 */
function markupSent(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  for (const c of h.slack.calls) {
    if (typeof c.params.text === 'string') out.push(c.params.text);
    walk(c.params.blocks);
    walk(c.params.view); // App Home (views.publish) and modals
  }
  return out;
}

describe('customer-controlled text in Ponte’s own Slack texts', () => {
  it('is escaped in !contact, the shown phone, search and tickets lists, and story mentions', async () => {
    const wa = '5511955550001';
    const cardTs = await h.customerWrites(wa, EVIL, 'oi, preciso de ajuda');
    const [ticket] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${wa}`;

    // An agent pasting the customer's words: Slack delivers the characters typed escaped, Ponte stores them plain.
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: `!contact set origem ${ESCAPED}`, threadTs: cardTs });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!contact', threadTs: cardTs });
    const summary = await eventually('the !contact summary', () => h.thread(cardTs).find((x) => x.startsWith('*&lt;')));
    expect(summary.split('\n')[0]).toBe(`*${ESCAPED}* · •••• 0001 · whatsapp`);
    expect(summary).toContain(`origem: ${ESCAPED}`);

    await h.postSlack(interactionBody({
      type: 'block_actions', user: { id: ADMIN }, trigger_id: `${Date.now()}.1`, team: { id: 'T0001' },
      container: { type: 'message', channel_id: CHANNEL, message_ts: cardTs },
      actions: [{ action_id: 'ticket.more', type: 'overflow', selected_option: { value: `phone:${ticket!.id}` }, action_ts: `${Date.now() / 1000}` }],
    }), 'application/x-www-form-urlencoded');
    const phone = await eventually('the phone, privately', () => h.slack.callsTo('chat.postEphemeral').map((c) => String(c.params.text)).find((x) => x.startsWith('Phone of')));
    expect(phone).toBe(`Phone of ${ESCAPED}: +${wa}`);

    const search = await h.slashCommand('search evil', 'UAGENT01');
    expect(search).toContain(ESCAPED);
    expect(search).not.toContain('<!channel>');
    const tickets = await h.slashCommand('tickets all', 'UAGENT01');
    expect(tickets).toContain(ESCAPED);
    expect(tickets).not.toContain('<!channel>');

    const igsid = '6580112508799001';
    const url = `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=S ${EVIL}`;
    expect((await h.postMeta(fbDelivery('instagram', [igStoryMention({ accountId: IG_ID, from: igsid, url })]))).statusCode).toBe(200);
    const mention = await eventually('the story-mention notice', () =>
      [...h.slack.messages.values()].find((m) => m.channel === IG_CHANNEL && !m.thread_ts && String(m.text).includes(igsid)),
    );
    expect(mention.text).toBe(`📣 ${igsid} mentioned you in their Instagram story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&amp;signature=S ${ESCAPED}`);

    // Nowhere in what Ponte sent to Slack does the raw markup survive.
    const raw = markupSent().filter((x) => x.includes('<!channel>') || x.includes('<https://evil'));
    expect(raw).toEqual([]);
  });

  it('is escaped in a failure notice that quotes the platform’s words', async () => {
    const wa = '5511955550002';
    const cardTs = await h.customerWrites(wa, 'Rui', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'segue o boleto', threadTs: cardTs });
    const wamid = await eventually('the wamid', async () => {
      const [r] = await h.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        JOIN tickets t ON t.id = m.ticket_id JOIN contacts c ON c.id = t.contact_id
        WHERE c.external_id = ${wa} AND l.platform = 'whatsapp' AND m.direction = 'outbound'`;
      return r?.external_id;
    });
    await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: wamid, status: 'failed', recipientId: wa,
      errors: [{ code: 131009, title: `Something went wrong ${EVIL}`, error_data: { details: EVIL } }] }));
    const notice = await eventually('the failure notice', () => h.thread(cardTs).find((x) => x.includes('131009')));
    expect(notice).toContain(ESCAPED);
    expect(notice).not.toContain('<!channel>');
  });
});

/**
 * Issue 10's done-means: a customer named like this never pings the channel and never becomes a
 * disguised link, wherever Ponte shows the name (card, thread, `!contact`, notices, App Home,
 * search and ticket lists), in either language; nor does an agent whose display name tries it.
 */
const NAME = '<!channel> *URGENT* <https://evil.example|bank>';
const NAME_SLACK = '&lt;!channel&gt; *URGENT* &lt;https://evil.example|bank&gt;';
const SALES = 'C0VENDAS01';

describe('a customer whose profile name is Slack markup', () => {
  it('shows as words on the card, in the thread, !contact, notices, App Home, search and tickets', async () => {
    h.slack.users.set('UAGENT03', { name: 'eve', real_name: 'Eve', display_name: '<!here> Eve' });
    await h.slashCommand(`department add Vendas <#${SALES}|vendas>`);
    const wa = '5511955550003';
    const cardTs = await h.customerWrites(wa, NAME, 'socorro');
    const card = h.slack.messages.get(`${CHANNEL}:${cardTs}`) ?? [...h.slack.messages.values()].find((m) => m.ts === cardTs);
    expect(String(card?.text)).toContain(NAME_SLACK);

    await h.postSlack(JSON.stringify(eventCallback({ type: 'app_home_opened', user: 'UAGENT01', channel: 'D0HOME01', tab: 'home', event_ts: `${Date.now() / 1000}` })), 'application/json');
    const home = await eventually('the home, with the ticket waiting', () =>
      h.slack.callsTo('views.publish').map((c) => JSON.stringify(c.params.view)).find((v) => v.includes('URGENT')),
    );
    expect(home).not.toContain('<!channel>');

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!contact', threadTs: cardTs });
    const summary = await eventually('the !contact summary', () => h.thread(cardTs).find((x) => x.includes('URGENT') && x.includes('whatsapp')));
    expect(summary.split('\n')[0]).toBe(`*${NAME_SLACK}* · •••• 0003 · whatsapp`);

    expect(await h.slashCommand('search URGENT', 'UAGENT01')).toContain(NAME_SLACK);
    expect(await h.slashCommand('tickets all', 'UAGENT01')).toContain(NAME_SLACK);

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT03', text: `!transfer <#${SALES}|vendas> <!channel> veja`, threadTs: cardTs });
    const left = await eventually('the transfer notice', () => h.thread(cardTs).find((x) => x.startsWith('Transferred to *Vendas*')));
    expect(left).toBe('Transferred to *Vendas* by &lt;!here&gt; Eve: “@channel veja”. The conversation continues in that department’s channel.');
    const newCard = await eventually('the card in Vendas', () => [...h.slack.messages.values()].find((m) => m.channel === SALES && !m.thread_ts));
    expect(String(newCard.text)).toContain(NAME_SLACK);

    const raw = markupSent().filter((x) => /<!(channel|here)>|<https:\/\/evil/.test(x));
    expect(raw).toEqual([]);
  });
});

describe('rows queued before rich text', () => {
  it('still post, as plain words: a system message without rich text, an announcement with a string', async () => {
    const cardTs = await h.customerWrites('5511955550005', 'Bia', 'oi');
    const [t] = await h.db.sql<{ id: string; connection_id: string }[]>`
      SELECT t.id, t.connection_id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511955550005'`;
    const [m] = await h.db.sql<{ id: string }[]>`
      INSERT INTO messages (ticket_id, direction, body) VALUES (${t!.id}, 'system', '*old* notice <!channel>') RETURNING id`;
    await enqueue(h.db.sql, agentLane(t!.id), { kind: 'thread.post', messageId: m!.id });
    await enqueue(h.db.sql, announceLane(t!.connection_id), { kind: 'channel.announce', connectionId: t!.connection_id, text: 'old alert <!here>' });
    // The sweeper finds the rows (nothing kicked their lanes).
    expect(await eventually('the old notice', () => h.thread(cardTs).find((x) => x.includes('old* notice')), 15_000)).toBe('*old* notice &lt;!channel&gt;');
    await eventually('the old announcement', () => [...h.slack.messages.values()].find((x) => x.text === 'old alert &lt;!here&gt;'), 15_000);
  });
});

describe('in pt-BR', () => {
  let br: Harness;
  beforeAll(async () => {
    br = await startConnectedHarness({ PONTE_LOCALE: 'pt-BR' });
  });
  afterAll(async () => br?.close());

  it('the same name stays words in Portuguese texts', async () => {
    const cardTs = await br.customerWrites('5511955550004', NAME, 'oi');
    await br.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!contact', threadTs: cardTs });
    const summary = await eventually('o resumo do !contact', () => br.thread(cardTs).find((x) => x.includes('URGENT') && x.includes('whatsapp')));
    expect(summary.split('\n')[0]).toBe(`*${NAME_SLACK}* · •••• 0004 · whatsapp`);
    const search = await br.slashCommand('search URGENT', 'UAGENT01');
    expect(search).toMatch(/^\*Tickets que batem com “URGENT”\* \(1\):/);
    expect(search).toContain(NAME_SLACK);
    expect(search).not.toContain('<!channel>');
  });
});
