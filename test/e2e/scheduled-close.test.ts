import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand('message farewell Tchau {name}!');
});
afterAll(async () => h?.close());

const say = (ts: string, text: string) => h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text, threadTs: ts });
const statusOf = async (wa: string) =>
  (await h.db.sql<{ status: string; close_reason: string | null }[]>`
    SELECT t.status, t.close_reason FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${wa} ORDER BY t.id LIMIT 1`)[0]!;
const farewellsTo = (wa: string) => h.graph.sends().filter((c) => (c.body as { to?: string; text?: { body?: string } }).to === wa && (c.body as { text: { body: string } }).text.body.startsWith('Tchau'));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('!resolve in …', () => {
  it('resolves when the time comes, once, with the farewell and the reason; the card shows it meanwhile', async () => {
    const wa = '5511922220001';
    const ts = await h.customerWrites(wa, 'Ari', 'obrigado, era só isso');
    await say(ts, '!resolve in 2s sem retorno');
    await eventually('the notice', () => h.thread(ts).find((t) => t.startsWith('⏰ Maria scheduled this ticket to resolve at')));
    await eventually('the card shows it', () =>
      h.slack.callsTo('chat.update').find((u) => u.params.ts === ts && JSON.stringify(u.params.blocks).includes('<!date^')));
    expect((await statusOf(wa)).status).toBe('pending');
    await eventually('resolved by the timer', async () => (await statusOf(wa)).status === 'resolved', 10_000);
    expect((await statusOf(wa)).close_reason).toBe('sem retorno');
    await eventually('the farewell', () => farewellsTo(wa).length === 1);
    await h.ponte.sweep();
    await pause(500);
    expect(h.thread(ts).filter((t) => t.includes('resolved by Maria'))).toHaveLength(1);
    expect(farewellsTo(wa)).toHaveLength(1);
  });

  it('is cancelled by a customer message, unless keep-on-reply', async () => {
    const a = '5511922220002';
    const tsA = await h.customerWrites(a, 'Bia', 'oi');
    await say(tsA, '!resolve in 2s');
    await eventually('scheduled', () => h.thread(tsA).find((t) => t.startsWith('⏰ Maria scheduled')));
    await h.postMetaText(a, 'Bia', 'espera, mais uma coisa');
    await eventually('cancelled by the reply', () => h.thread(tsA).includes('⏰ Scheduled resolve cancelled: the customer wrote.'));

    const b = '5511922220003';
    const tsB = await h.customerWrites(b, 'Caio', 'oi');
    await say(tsB, '!resolve in 2s keep-on-reply');
    await eventually('scheduled', () => h.thread(tsB).find((t) => t.startsWith('⏰ Maria scheduled')));
    await h.postMetaText(b, 'Caio', 'valeu');
    await eventually('resolved anyway', async () => (await statusOf(b)).status === 'resolved', 10_000);
    await pause(2500);
    expect((await statusOf(a)).status).toBe('pending');
  });

  it('!resolve cancel cancels; with nothing scheduled it says so; a bad delay is explained', async () => {
    const ts = await h.customerWrites('5511922220004', 'Duda', 'oi');
    await say(ts, '!resolve in 10m');
    await eventually('scheduled', () => h.thread(ts).find((t) => t.startsWith('⏰ Maria scheduled')));
    await say(ts, '!resolve cancel');
    await eventually('cancelled', () => h.thread(ts).includes('Maria cancelled the scheduled resolve.'));
    await say(ts, '!resolve cancel');
    await eventually('nothing', () => h.thread(ts).includes('Nothing changed: no resolve is scheduled for this ticket.'));
    await say(ts, '!resolve in 9d');
    await eventually('bad delay', () => h.thread(ts).find((t) => t.startsWith('`9d` is not a delay I understand')));
    expect((await statusOf('5511922220004')).status).toBe('pending');
  });

  it('acts on a deadline whose wake-up Redis lost: the sweeper re-arms it', async () => {
    const wa = '5511922220005';
    const ts = await h.customerWrites(wa, 'Edu', 'oi');
    const [agent] = await h.db.sql<{ id: string }[]>`SELECT id FROM agents WHERE platform_user_id = 'UAGENT01'`;
    // A deadline in the database with no job in Redis at all.
    await h.db.sql`
      UPDATE tickets SET scheduled_close_at = now() - interval '1 minute', scheduled_close_by = ${agent!.id}, scheduled_close_silent = true
      WHERE contact_id = (SELECT id FROM contacts WHERE external_id = ${wa})`;
    await eventually('resolved by the sweeper’s wake-up', async () => (await statusOf(wa)).status === 'resolved', 10_000);
    await eventually('the notice', () => h.thread(ts).find((t) => t.includes('resolved by Maria')));
    expect(farewellsTo(wa)).toHaveLength(0); // it was scheduled silent
  });
});

describe('!schedule', () => {
  const bodiesTo = (wa: string) => h.textsSentTo(wa);

  it('sends the message when the time comes, signed, exactly once', async () => {
    const wa = '5511922220010';
    const ts = await h.customerWrites(wa, 'Fabi', 'me lembra amanhã');
    await say(ts, '!schedule in 2s Oi Fabi, passando para lembrar do seu pedido!');
    await eventually('scheduled', () => h.thread(ts).find((t) => t.startsWith('🕒 Scheduled: this message goes to the customer at')));
    expect(bodiesTo(wa)).toEqual([]);
    await eventually('sent', () => bodiesTo(wa).length === 1, 10_000);
    expect(bodiesTo(wa)).toEqual(['*Maria:*\nOi Fabi, passando para lembrar do seu pedido!']);
    await eventually('the notice', () => h.thread(ts).find((t) => t.startsWith('🕒 Sent the scheduled message')));
    await h.ponte.sweep();
    await pause(500);
    expect(bodiesTo(wa)).toHaveLength(1);
  });

  it('lists and cancels; skips the message when the ticket is resolved by then', async () => {
    const wa = '5511922220011';
    const ts = await h.customerWrites(wa, 'Gil', 'oi');
    await say(ts, '!schedule in 10m lembrete um');
    await say(ts, '!schedule list');
    await eventually('the list', () => h.thread(ts).find((t) => t.startsWith('🕒 Scheduled messages:') && t.includes('lembrete um')));
    await say(ts, '!schedule cancel');
    await eventually('cancelled', () => h.thread(ts).find((t) => t.startsWith('🕒 Cancelled:')));
    // The list keeps it, with its status (issue 13: pending / sent / failed / cancelled).
    await say(ts, '!schedule list');
    await eventually('listed cancelled', () => h.thread(ts).some((t) => t.startsWith('🕒 Scheduled messages:') && t.includes('cancelled') && t.includes('lembrete um')));
    await say(ts, '!schedule amanhã cedo');
    await eventually('usage', () => h.thread(ts).find((t) => t.startsWith('Usage: `!schedule in 2h')));

    await say(ts, '!schedule in 2s tarde demais');
    await eventually('scheduled', () => h.thread(ts).find((t) => t.startsWith('🕒 Scheduled:')));
    await say(ts, '!resolve silent');
    await eventually('skipped', () => h.thread(ts).find((t) => t.startsWith('🕒 Not sent') && t.includes('tarde demais')), 10_000);
    expect(bodiesTo(wa)).toEqual([]);
  });
});
