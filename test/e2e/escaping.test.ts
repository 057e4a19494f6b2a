// Customer-controlled text never becomes Slack markup in what Ponte itself writes: a WhatsApp
// profile name like `<!channel> <https://evil|Support>` must not ping the channel or show a
// disguised link under Ponte's name in `!contact`, the shown phone, `/ponte search|tickets`, or
// an Instagram story-mention notice. Ponte escapes it (`&lt;!channel&gt;`), so Slack shows the
// words as they were typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fbDelivery, igStoryMention } from '../fixtures/messenger.js';
import { waStatus } from '../fixtures/meta.js';
import { interactionBody } from '../fixtures/slack.js';
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
