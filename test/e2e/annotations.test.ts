import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const say = (ts: string, text: string, user = 'UAGENT01') => h.agentSays({ channel: CHANNEL, user, text, threadTs: ts });
const lastCard = (ts: string) => JSON.stringify(h.slack.callsTo('chat.update').filter((u) => u.params.ts === ts).at(-1)?.params.blocks ?? null);

describe('tags', () => {
  it('!tag and !untag change the ticket’s tags, shown on the card and filterable', async () => {
    const ts = await h.customerWrites('5511933330001', 'Rosa', 'oi');
    await say(ts, '!tag vip Boleto');
    await eventually('the tags notice', () => h.thread(ts).includes('Tags: `boleto` `vip`'));
    await eventually('the card with tags', () => lastCard(ts).includes('`boleto` `vip`'));
    expect(await h.slashCommand('tickets all tag:vip', 'UAGENT02')).toContain('Rosa');
    expect(await h.slashCommand('tickets all tag:nope', 'UAGENT02')).toBe('No tickets match.');
    await say(ts, '!untag vip');
    await eventually('one tag left', () => h.thread(ts).includes('Tags: `boleto`'));
    await say(ts, '!tag Bad!Tag');
    await eventually('the refusal', () => h.thread(ts).find((t) => t.startsWith('Not a tag: bad!tag')));
  });
});

describe('contact notes', () => {
  it('keeps a note on the contact, shows it with !contact, and posts it on their next ticket', async () => {
    const wa = '5511933330002';
    const ts = await h.customerWrites(wa, 'Dona Lurdes', 'bom dia');
    await say(ts, '!contact note prefere ligação depois das 14h');
    await eventually('noted', () => h.thread(ts).find((t) => t.startsWith('📌 Noted on the contact')));
    await eventually('the card counts it', () => lastCard(ts).includes('📌 1'));
    await say(ts, '!contact');
    const summary = await eventually('the summary', () => h.thread(ts).find((t) => t.startsWith('*Dona Lurdes*')));
    expect(summary).toContain('•••• 0002 · whatsapp');
    // A contact comment, highlighted (quoted), with its number, author and date.
    expect(summary).toMatch(/\n>📌 `#\d+` prefere ligação depois das 14h — Maria, \d{4}-\d\d-\d\d/);
    expect(summary).not.toContain(wa);

    await say(ts, '!resolve silent');
    await eventually('resolved', () => h.thread(ts).find((t) => t.includes('resolved by Maria')));
    const next = await h.customerWrites(wa, 'Dona Lurdes', 'voltei');
    const thread = h.thread(next);
    const notesAt = thread.findIndex((t) => t.startsWith('📌 Notes about this customer'));
    expect(notesAt).toBeGreaterThanOrEqual(0);
    expect(thread[notesAt]).toContain('prefere ligação depois das 14h');
    expect(notesAt).toBeLessThan(thread.indexOf('voltei')); // right under the card, before the message
  });
});

describe('contact details', () => {
  it('edits name, e-mail and custom fields; an edited name survives the profile name', async () => {
    const wa = '5511933330003';
    const ts = await h.customerWrites(wa, 'zezinho123', 'oi');
    await say(ts, '!contact name José Almeida');
    await say(ts, '!contact email jose@example.com.br');
    await say(ts, '!contact set cpf 123.456.789-00');
    await say(ts, '!contact set plano ouro');
    await say(ts, '!contact unset plano');
    await say(ts, '!contact email not-an-email');
    await eventually('the refusal', () => h.thread(ts).find((t) => t.startsWith('`not-an-email` does not look like an e-mail')));
    await eventually('the card renamed', () => lastCard(ts).includes('José Almeida'));
    await say(ts, '!contact');
    const summary = await eventually('the summary', () => h.thread(ts).find((t) => t.startsWith('*José Almeida*')));
    expect(summary).toContain('e-mail: jose@example.com.br');
    expect(summary).toContain('cpf: 123.456.789-00');
    expect(summary).not.toContain('plano');
    // WhatsApp keeps sending the profile name; the agent's edit stays.
    await h.postMetaText(wa, 'zezinho123', 'ainda aqui');
    await eventually('the message', () => h.thread(ts).includes('ainda aqui'));
    const [c] = await h.db.sql<{ name: string }[]>`SELECT name FROM contacts WHERE external_id = ${wa}`;
    expect(c!.name).toBe('José Almeida');
  });
});

describe('contact tags', () => {
  it('tag the customer: shown on the card as 👤tag, in !contact, on their next tickets, and found by tag:', async () => {
    const wa = '5511933330004';
    const ts = await h.customerWrites(wa, 'Vip Vera', 'oi');
    await say(ts, '!contact tag vip');
    await eventually('the card', () => lastCard(ts).includes('`👤vip`'));
    await say(ts, '!contact');
    await eventually('in the summary', () => h.thread(ts).some((t) => t.startsWith('*Vip Vera*') && t.includes('#vip')));
    await say(ts, '!resolve silent');
    await eventually('resolved', () => h.thread(ts).find((t) => t.includes('resolved by Maria')));
    const next = await h.customerWrites(wa, 'Vip Vera', 'voltei');
    const card = [...h.slack.messages.values()].find((m) => m.ts === next && !m.thread_ts)!;
    expect(JSON.stringify(card.blocks)).toContain('`👤vip`');
    expect(await h.slashCommand('tickets all tag:vip', 'UAGENT02')).toContain('Vip Vera');
    await say(next, '!contact untag vip');
    await eventually('gone', () => !lastCard(next).includes('👤vip') && lastCard(next) !== 'null');
  });
});
