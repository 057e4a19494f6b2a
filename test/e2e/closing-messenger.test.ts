// The satisfaction survey on a channel without tappable choices (Messenger): the scores go as a
// numbered question, and a customer's typed digit is recorded on their resolved ticket instead
// of opening a new one. (The agent side is the same core path proven through both bridges in
// closing.test.ts; this file is about the customer channel.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fbDelivery, msgText } from '../fixtures/messenger.js';
import { PAGE_ID, eventually, startHarness, type Harness } from '../support/harness.js';

const FB_CHANNEL = 'CFBCLOSE01';
const PSID = '7254181427999001';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.slashCommand(`connect messenger ${PAGE_ID} <#${FB_CHANNEL}|facebook>`);
  expect(await h.slashCommand('survey on')).toContain('Satisfaction survey on');
});
afterAll(async () => h?.close());

const deliver = async (text: string) => expect((await h.postMeta(fbDelivery('messenger', [msgText({ accountId: PAGE_ID, from: PSID, text })]))).statusCode).toBe(200);
const ticketsOf = () => h.db.sql<{ id: string; status: string; csat: number | null }[]>`
  SELECT t.id, t.status, t.csat FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${PSID} ORDER BY t.id`;

it('asks a Messenger customer a numbered question and records their typed 4', async () => {
  await deliver('the parcel arrived, thanks');
  const card = await eventually('the thread', () => [...h.slack.messages.values()].find((m) => m.thread_ts && m.username === PSID));
  expect((await h.agentSays({ channel: FB_CHANNEL, user: 'UAGENT01', text: '!resolve', threadTs: card.thread_ts! })).statusCode).toBe(200);
  const question = await eventually('the numbered question', () => h.graph.messengerTexts().find((t) => t.to === PSID && t.text.includes('How would you rate')));
  expect(question.text).toContain('5 – Excellent\n4 – Good\n3 – Fair\n2 – Bad\n1 – Very bad');
  expect(question.text).toContain('Reply with a number from 1 to 5.');

  await deliver('4');
  await eventually('the rating in the thread', () => [...h.slack.messages.values()].some((m) => m.thread_ts === card.thread_ts && String(m.text).includes('rated this conversation 4/5')));
  expect(await ticketsOf()).toEqual([expect.objectContaining({ status: 'resolved', csat: 4 })]);
  await eventually('thanked', () => h.graph.messengerTexts().some((t) => t.to === PSID && t.text === 'Thank you for your answer!'));
});
