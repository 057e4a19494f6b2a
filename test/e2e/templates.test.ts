import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WA_DEFAULTS, waStatus, WA_ERROR_WINDOW_CLOSED } from '../fixtures/meta.js';
import { blockActionsPayload, interactionBody, templateSubmissionPayload } from '../fixtures/slack.js';
import { isMessageSend } from '../fakes/graph-api.js';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

// WhatsApp's 24-hour window, approved templates, and what failed statuses and refused tokens
// mean to agents and admins: driven as Meta and Slack would, against the fakes.

const KEY = '11'.repeat(32);
let h: Harness;

beforeAll(async () => {
  h = await startConnectedHarness({ PONTE_SECRET_KEY: KEY });
  h.graph.templates.set(WA_DEFAULTS.wabaId, [
    { name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello! We are here to help.' }] },
    { name: 'pedido_pronto', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Olá {{1}}, seu pedido {{2}} está pronto.' }] },
    { name: 'promo', language: 'pt_BR', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Promo!' }] },
  ]);
});
afterAll(async () => h?.close());

const templateSends = (to: string) =>
  h.graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === to && (c.body as { type?: string }).type === 'template');

/** The customer last wrote `hours` ago (how time passes in these tests: the stored fact moves). */
async function lastWroteHoursAgo(waId: string, hours: number): Promise<void> {
  await h.db.sql`UPDATE contacts SET last_inbound_at = now() - make_interval(hours => ${hours}) WHERE external_id = ${waId}`;
}

async function ticketOf(waId: string) {
  const [row] = await h.db.sql<{ id: string; status: string; protocol: string }[]>`
    SELECT t.id, t.status, t.protocol FROM tickets t JOIN contacts c ON c.id = t.contact_id
    WHERE c.external_id = ${waId} ORDER BY t.id DESC LIMIT 1`;
  return row!;
}

describe('templates', () => {
  it('/ponte templates sync pulls the approved templates (the WABA learned from the webhook) and reports in the channel; list shows them', async () => {
    await h.customerWrites('5511966660001', 'Tina', 'oi');
    expect(await h.slashCommand('templates sync', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('templates sync')).toMatch(/Fetching the approved templates/);
    const report = await eventually('the sync report in the channel', () =>
      [...h.slack.messages.values()].find((m) => m.channel === CHANNEL && !m.thread_ts && String(m.text).includes('approved template')),
    );
    expect(report.text).toContain('2 approved template(s)');
    expect(report.text).toContain('`hello_world` (en_US, utility)');
    expect(report.text).not.toContain('promo');
    const list = await h.slashCommand('templates list', 'UAGENT01');
    expect(list).toContain('`pedido_pronto` (pt_BR, utility, 2 parameter(s)): Olá {{1}}, seu pedido {{2}} está pronto.');
  });

  it('outside the 24-hour window a free-text reply is not sent; the agent is told why and offered the picker; !template goes out', async () => {
    const waId = '5511966660002';
    const cardTs = await h.customerWrites(waId, 'Ugo', 'preciso de ajuda');
    await lastWroteHoursAgo(waId, 48);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'oi Ugo, ainda precisa?', threadTs: cardTs });
    const notice = await eventually('the refusal', () =>
      [...h.slack.messages.values()].find((m) => m.thread_ts === cardTs && String(m.text).startsWith('Not sent: the customer last wrote more than 24 hours ago')),
    );
    expect(JSON.stringify(notice.blocks)).toContain('ticket.templates'); // the "Send a template" button
    expect(h.textsSentTo(waId)).toEqual([]);

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!template pedido_pronto Ugo 4521', threadTs: cardTs });
    await eventually('the template send', () => templateSends(waId).length === 1);
    expect(templateSends(waId)[0]!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: waId,
      type: 'template',
      template: { name: 'pedido_pronto', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ugo' }, { type: 'text', text: '4521' }] }] },
    });
    await eventually('the template in the thread', () => h.thread(cardTs).includes('📋 Template sent: Olá Ugo, seu pedido 4521 está pronto.'));
    expect((await ticketOf(waId)).status).toBe('open'); // sending accepts, as a reply would
    expect(h.textsSentTo(waId)).toEqual([]);
  });

  it('refuses a template it does not know or the wrong number of parameters, in words, and sends nothing', async () => {
    const waId = '5511966660003';
    const cardTs = await h.customerWrites(waId, 'Vera', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!template nao_existe', threadTs: cardTs });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!template pedido_pronto Vera', threadTs: cardTs });
    await eventually('both refusals', () =>
      h.thread(cardTs).some((t) => t.startsWith('There is no approved template called `nao_existe`. Known: `hello_world`, `pedido_pronto`')) &&
      h.thread(cardTs).some((t) => t.startsWith('Template `pedido_pronto` takes 2 parameter(s) and 1 were given')),
    );
    expect(templateSends(waId)).toEqual([]);
  });

  it('the picker: the offer button opens a modal of approved templates, and its submission sends the chosen one', async () => {
    const waId = '5511966660004';
    const cardTs = await h.customerWrites(waId, 'Wes', 'oi');
    const ticket = await ticketOf(waId);
    const press = blockActionsPayload({ actionId: 'ticket.templates', value: ticket.id, userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs, threadTs: cardTs });
    expect((await h.postSlack(interactionBody(press), 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    const opened = h.slack.callsTo('views.open').at(-1)!;
    const view = JSON.stringify(opened.params.view);
    expect(view).toContain('hello_world|en_US|0');
    expect(view).not.toContain('promo');

    const submit = templateSubmissionPayload({ ticketId: ticket.id, userId: 'UAGENT01', value: 'hello_world|en_US|0', params: '' });
    expect((await h.postSlack(interactionBody(submit), 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    await eventually('the template send', () => templateSends(waId).length === 1);
    expect(templateSends(waId)[0]!.body).toMatchObject({ template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect((templateSends(waId)[0]!.body as { template: { components?: unknown } }).template.components).toBeUndefined();
  });

  it('/ponte new starts a conversation with a template, opens an assigned ticket and its thread; a second time it is refused', async () => {
    const waId = '5521977770005';
    expect(await h.slashCommand('new +55 (21) 97777-0005 hello_world', 'UAGENT02')).toMatch(/^Conversation started: ticket \S+, template `hello_world`/);
    await eventually('the template send', () => templateSends(waId).length === 1);
    const ticket = await ticketOf(waId);
    expect(ticket.status).toBe('open');
    const [assignee] = await h.db.sql<{ platform_user_id: string }[]>`
      SELECT a.platform_user_id FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.id = ${ticket.id}`;
    expect(assignee?.platform_user_id).toBe('UAGENT02');
    const card = await eventually('the new thread', () =>
      [...h.slack.messages.values()].find((m) => m.channel === CHANNEL && !m.thread_ts && JSON.stringify(m.blocks ?? '').includes(ticket.protocol)),
    );
    await eventually('the template in the thread', () => h.thread(card.ts).includes('📋 Template sent: Hello! We are here to help.'));
    // Until the customer answers, free text cannot reach them: the agent is told so, in those words.
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: 'oi, tudo bem?', threadTs: card.ts });
    await eventually('the refusal', () => h.thread(card.ts).some((t) => t.startsWith('Not sent: this customer has not written to this number yet')));
    expect(await h.slashCommand('new 5521977770005 hello_world', 'UAGENT02')).toBe(
      `This customer already has an open conversation on this number (ticket ${ticket.protocol}): reply in its thread.`,
    );
    expect(await h.slashCommand('new 123 hello_world')).toMatch(/^Usage: `\/ponte new/);
    // A refusal midway leaves nothing behind: no contact, no ticket, no thread.
    expect(await h.slashCommand('new 5521977770099 pedido_pronto Só')).toMatch(/^Template `pedido_pronto` takes 2 parameter\(s\) and 1 were given/);
    const [made] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM contacts WHERE external_id = '5521977770099'`;
    expect(made!.n).toBe(0);
    expect(templateSends(waId)).toHaveLength(1);
  });
});

describe('failed statuses', () => {
  /** A reply to a new customer, and the wamid Graph gave it (as its status webhooks will name it). */
  const agentReply = async (waId: string, name: string, text: string): Promise<{ cardTs: string; wamid: string }> => {
    const cardTs = await h.customerWrites(waId, name, 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text, threadTs: cardTs });
    const wamid = await eventually('the reply, sent', async () => {
      const [row] = await h.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        JOIN tickets t ON t.id = m.ticket_id JOIN contacts c ON c.id = t.contact_id
        WHERE c.external_id = ${waId} AND l.platform = 'whatsapp' AND m.direction = 'outbound'`;
      return row?.external_id;
    });
    return { cardTs, wamid };
  };

  it('131047 (window closed) is explained with the way out: a template, with the picker offered', async () => {
    const waId = '5511966660006';
    const { cardTs, wamid } = await agentReply(waId, 'Xena', 'segue o orçamento');
    await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: wamid, status: 'failed', recipientId: waId, errors: [WA_ERROR_WINDOW_CLOSED] }));
    const notice = await eventually('the explanation', () =>
      [...h.slack.messages.values()].find((m) => m.thread_ts === cardTs && String(m.text).startsWith('Not delivered: the customer’s 24-hour window is closed')),
    );
    expect(notice.text).toContain('131047');
    expect(notice.text).toContain('`!template &lt;name&gt; [params…]`');
    expect(JSON.stringify(notice.blocks)).toContain('ticket.templates');
  });

  it('130429 (throughput) is not a failure: that part is sent again, and no failure is shown', async () => {
    const waId = '5511966660007';
    const { cardTs, wamid } = await agentReply(waId, 'Yuri', 'um momento');
    await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: wamid, status: 'failed', recipientId: waId, errors: [{ code: 130429, title: 'Rate limit hit', error_data: { details: 'Cloud API message throughput has been reached.' } }] }));
    // The resend waits a minute at the head of the lane: run it now, as the timer would.
    await eventually('the resend, queued', async () => (await h.db.sql`
      UPDATE outbox SET next_attempt_at = now() - interval '1 minute' WHERE state = 'pending' AND kind = 'customer.send' RETURNING id`).length === 1);
    await h.ponte.sweep();
    await eventually('the resend', () => h.textsSentTo(waId).length === 2, 10_000);
    expect(h.textsSentTo(waId)).toEqual(['*Maria:*\num momento', '*Maria:*\num momento']);
    const [m] = await h.db.sql<{ delivery_status: string }[]>`
      SELECT m.delivery_status FROM messages m JOIN message_links l ON l.message_id = m.id WHERE l.external_id = ${wamid}`;
    expect(m?.delivery_status).toBe('sent');
    expect(h.thread(cardTs).some((t) => t.startsWith('Not delivered'))).toBe(false);
  });

  it('a refused token (190) marks the connection unhealthy and alerts its channel once; a new token from connect heals it', async () => {
    const waId = '5511966660008';
    const cardTs = await h.customerWrites(waId, 'Zoe', 'oi');
    const expired = { status: 401, error: { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190 } } as const;
    h.graph.failNext(expired, isMessageSend);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'primeira', threadTs: cardTs });
    await eventually('the failure notice', () => h.thread(cardTs).some((t) => t.startsWith('Not delivered: the platform refused Ponte’s access token')));
    const alerts = () => [...h.slack.messages.values()].filter((m) => m.channel === CHANNEL && !m.thread_ts && String(m.text).startsWith('⚠️ Admins'));
    await eventually('the alert', () => alerts().length === 1);
    expect(await h.slashCommand('status')).toMatch(/unhealthy.*access token was refused/);
    // /ponte retry is for Slack-side trouble: it does not pretend the token works again.
    await h.slashCommand('retry');
    expect(await h.slashCommand('status')).toMatch(/unhealthy.*access token was refused/);

    h.graph.failNext(expired, isMessageSend);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'segunda', threadTs: cardTs });
    await eventually('the second failure notice', () => h.thread(cardTs).filter((t) => t.startsWith('Not delivered: the platform refused')).length === 2);
    await h.ponte.sweep();
    expect(alerts()).toHaveLength(1);

    // The connection's own token (sealed with PONTE_SECRET_KEY) is what Graph sees from now on.
    // The fake accepts only the environment's token, so the admin gives that one back.
    expect(await h.slashCommand(`connect whatsapp ${PHONE_ID} token=EAAGtest-whatsapp-token`)).toMatch(/stored encrypted/);
    const [stored] = await h.db.sql<{ token_encrypted: string }[]>`SELECT token_encrypted FROM connections WHERE account_id = ${PHONE_ID}`;
    expect(stored!.token_encrypted).not.toContain('EAAG');
    expect(await h.slashCommand('status')).not.toContain('unhealthy');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'terceira', threadTs: cardTs });
    await eventually('the third reply', () => h.textsSentTo(waId).includes('*Maria:*\nterceira'));
  });
});

describe('connect', () => {
  it('refuses bad ids, waba for other channels, and tokens without a key, in words', async () => {
    expect(await h.slashCommand('connect telegram 123456')).toMatch(/not a channel Ponte can connect/);
    expect(await h.slashCommand('connect messenger abc')).toMatch(/does not look like a messenger account id/);
    expect(await h.slashCommand('connect messenger 1234567 waba=99999')).toMatch(/only for WhatsApp/);
    expect(await h.slashCommand('connect whatsapp 1234567 token=x', 'UAGENT01')).toMatch(/only Ponte admins/);
  });
});
