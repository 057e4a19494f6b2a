import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waStatus } from '../fixtures/meta.js';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { isMessageSend } from '../fakes/graph-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness({ PONTE_HTTP_TIMEOUT_MS: '400' });
});
afterAll(async () => h?.close());

const sendsTo = (to: string) => h.graph.sends().filter((c) => (c.body as { to?: string }).to === to);
const statusOf = async (to: string) => {
  const rows = await h.db.sql<{ delivery_status: string; delivery_error: string | null }[]>`
    SELECT m.delivery_status, m.delivery_error FROM messages m JOIN tickets t ON t.id = m.ticket_id
    JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${to} AND m.direction = 'outbound' ORDER BY m.id`;
  return rows;
};

describe('platform trouble delays, never loses; permanent failures are explained', () => {
  it('waits out Slack’s 429 Retry-After and keeps the thread in order', async () => {
    const cardTs = await h.customerWrites('5511955550001', 'Lia', 'primeira');
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await h.postMetaText('5511955550001', 'Lia', 'segunda');
    await h.postMetaText('5511955550001', 'Lia', 'terceira');
    await eventually('all three after the rate limit', () => h.thread(cardTs).length >= 3, 10_000);
    expect(h.thread(cardTs)).toEqual(['primeira', 'segunda', 'terceira']);
  });

  it('retries a Graph 5xx and delivers once', async () => {
    const cardTs = await h.customerWrites('5511955550002', 'Mau', 'oi');
    h.graph.failNext({ status: 500, error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } }, isMessageSend);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'tudo bem?', threadTs: cardTs });
    await eventually('a successful send after the 500', async () => (await statusOf('5511955550002'))[0]?.delivery_status === 'sent', 10_000);
    expect(sendsTo('5511955550002')).toHaveLength(2); // the failed attempt and the retry
  });

  it('explains a permanent Graph error in the thread, in words, with the code', async () => {
    const cardTs = await h.customerWrites('5511955550003', 'Nina', 'oi');
    h.graph.failNext({ status: 400, error: { message: 'Message Undeliverable.', type: 'OAuthException', code: 131026 } }, isMessageSend);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'olá Nina', threadTs: cardTs });
    const notice = await eventually('the failure notice', () => h.thread(cardTs).find((t) => t.startsWith('Not delivered')));
    expect(notice).toMatch(/Message Undeliverable.*131026/);
    expect((await statusOf('5511955550003'))[0]).toMatchObject({ delivery_status: 'failed' });
    expect(sendsTo('5511955550003')).toHaveLength(1); // not retried
  });

  it('never resends when a send timed out (the customer may have it), and says so', async () => {
    const cardTs = await h.customerWrites('5511955550004', 'Otto', 'oi');
    h.graph.hangNext(3000, isMessageSend);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'resposta lenta', threadTs: cardTs });
    const notice = await eventually('the uncertainty notice', () => h.thread(cardTs).find((t) => t.startsWith('Delivery uncertain')), 10_000);
    expect(notice).toMatch(/timed out/);
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 500));
    expect(sendsTo('5511955550004')).toHaveLength(1);
    expect((await statusOf('5511955550004'))[0]).toMatchObject({ delivery_status: 'uncertain' });
  });

  it('does not resend a message whose sender died mid-flight (row left in "sending")', async () => {
    const cardTs = await h.customerWrites('5511955550005', 'Pia', 'oi');
    const [ticket] = await h.db.sql<{ id: string }[]>`
      SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511955550005'`;
    const [msg] = await h.db.sql<{ id: string }[]>`
      INSERT INTO messages (ticket_id, direction, body, delivery_status) VALUES (${ticket!.id}, 'outbound', '*Maria:*\nhalf sent', 'queued') RETURNING id`;
    await h.db.sql`
      INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at)
      VALUES (${`t${ticket!.id}-customer`}, 'customer.send', ${h.db.sql.json({ messageId: msg!.id, part: 0, text: '*Maria:*\nhalf sent' })}, 'sending', 1, now() - interval '1 minute')`;
    // No job exists for this row (its worker "died"): the periodic sweeper finds it.
    const notice = await eventually('the uncertainty notice', () => h.thread(cardTs).find((t) => t.startsWith('Delivery uncertain')), 10_000);
    expect(notice).toMatch(/restarted/);
    expect(sendsTo('5511955550005')).toHaveLength(0);
  });

  it('processes a committed inbound event whose wake-up was lost (Redis lost it)', async () => {
    const cardTs = await h.customerWrites('5511955550006', 'Quim', 'antes');
    await h.db.sql`
      INSERT INTO inbound_events (source, kind, dedupe_key, ordering_key, state, payload, occurred_at, received_at)
      VALUES ('meta', 'customer.message', 'wa:m:wamid.LOST0001', ${`wa:${PHONE_ID}:5511955550006`}, 'pending',
        ${h.db.sql.json({ type: 'customer.message', channel: 'whatsapp', accountId: PHONE_ID, externalId: 'wamid.LOST0001', contact: { externalId: '5511955550006', name: 'Quim' }, occurredAt: new Date().toISOString(), kind: 'text', text: 'perdida no redis' })},
        now(), now() - interval '1 minute')`;
    await eventually('the swept message in the thread', () => h.thread(cardTs).includes('perdida no redis'), 10_000);
  });

  it('applies delivery statuses forward only and explains a failed status', async () => {
    const cardTs = await h.customerWrites('5511955550007', 'Rui', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'segue o boleto', threadTs: cardTs });
    await eventually('sent', async () => (await statusOf('5511955550007'))[0]?.delivery_status === 'sent');
    const wamid = await eventually('the wamid', async () => {
      const [r] = await h.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        JOIN tickets t ON t.id = m.ticket_id JOIN contacts c ON c.id = t.contact_id
        WHERE c.external_id = '5511955550007' AND l.platform = 'whatsapp' AND m.direction = 'outbound'`;
      return r?.external_id;
    });
    const status = (s: string) => h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: wamid, status: s, recipientId: '5511955550007' }));
    await status('read');
    await eventually('read', async () => (await statusOf('5511955550007'))[0]?.delivery_status === 'read');
    await status('delivered'); // late and out of order: must not move it back
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect((await statusOf('5511955550007'))[0]?.delivery_status).toBe('read');

    await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: wamid, status: 'failed', recipientId: '5511955550007',
      errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }] }));
    const notice = await eventually('the failure notice', () => h.thread(cardTs).find((t) => t.includes('131047')));
    expect(notice).toMatch(/Not delivered.*Re-engagement message \(131047\).*24 hours/);
  });
});

describe('agent commands in the thread', () => {
  it('refuses a stale accept in words and changes nothing', async () => {
    const cardTs = await h.customerWrites('5511955550008', 'Sol', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!accept', threadTs: cardTs });
    await eventually('accepted', () => h.thread(cardTs).find((t) => t === 'Maria accepted this ticket.'));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!accept', threadTs: cardTs });
    const notice = await eventually('the refusal', () => h.thread(cardTs).find((t) => t.startsWith('Nothing changed')));
    expect(notice).toBe('Nothing changed: this ticket is already open by Maria.');
    const [row] = await h.db.sql<{ name: string }[]>`
      SELECT a.display_name AS name FROM tickets t JOIN agents a ON a.id = t.assignee_id
      JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511955550008'`;
    expect(row?.name).toBe('Maria');
  });

  it('answers an unknown command with a notice and sends nothing', async () => {
    const cardTs = await h.customerWrites('5511955550009', 'Tom', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!frobnicate now', threadTs: cardTs });
    await eventually('the notice', () => h.thread(cardTs).find((t) => t.includes('Unknown command `!frobnicate`')));
    expect(sendsTo('5511955550009')).toHaveLength(0);
  });

  it('sends nothing to a resolved ticket and says so', async () => {
    const cardTs = await h.customerWrites('5511955550010', 'Uli', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!resolve', threadTs: cardTs });
    await eventually('resolved', () => h.thread(cardTs).find((t) => t.includes('resolved by Maria')));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'one more thing', threadTs: cardTs });
    await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('This ticket is already resolved')));
    expect(sendsTo('5511955550010')).toHaveLength(0);
  });

  it('splits a reply longer than WhatsApp’s limit into parts, in order', async () => {
    const cardTs = await h.customerWrites('5511955550011', 'Vera', 'oi');
    const long = Array.from({ length: 900 }, (_, i) => `palavra${i}`).join(' ');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: long, threadTs: cardTs });
    await eventually('three parts', () => sendsTo('5511955550011').length === 3);
    const bodies = sendsTo('5511955550011').map((c) => (c.body as { text: { body: string } }).text.body);
    expect(bodies.every((b) => b.length <= 4096)).toBe(true);
    expect(bodies.join(' ')).toBe(`*Maria:*\n${long}`);
  });
});

describe('when a ticket’s thread cannot be created', () => {
  it('shows it in /ponte status with the way out, and /ponte retry delivers everything in order', async () => {
    // The injected refusal must meet this ticket's card, not a post the tests above left in flight.
    await eventually('earlier tests’ posts to settle', async () => {
      const [row] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE state IN ('pending', 'sending')`;
      return row?.n === 0;
    });
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await h.postMetaText('5511955550030', 'Zeca', 'primeira mensagem');
    await h.postMetaText('5511955550030', 'Zeca', 'segunda mensagem');
    const status = await eventually('the unhealthy connection', async () => {
      const s = await h.slashCommand('status');
      return s.includes('unhealthy') ? s : undefined;
    });
    expect(status).toMatch(/a ticket’s thread could not be created \(Slack refused: not_in_channel\)\. Invite @Ponte to the channel.*\/ponte retry/);
    expect(await h.slashCommand('retry', 'UAGENT01')).toMatch(/only Ponte admins/);
    // The channel is told too, with who wrote: there is no thread to say it in.
    const told = await eventually('the line in the channel', () =>
      [...h.slack.messages.values()].find((m) => m.channel === CHANNEL && !m.thread_ts && String(m.text).includes('could not get its thread')),
    );
    expect(told.text).toMatch(/from Zeca could not get its thread here \(Slack refused: not_in_channel\).*\/ponte retry/);

    const reply = await h.slashCommand('retry');
    expect(reply).toMatch(/^Re-queued 1 failed deliveries in 1 ticket/);
    const card = await eventually('the card, this time', () =>
      [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes('Zeca') && m !== told),
    );
    await eventually('both messages, in order', () => h.thread(card.ts).join('|') === 'primeira mensagem|segunda mensagem', 10_000);
    expect(await h.slashCommand('status')).not.toContain('unhealthy');
  });
});
