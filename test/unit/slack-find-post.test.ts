import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';

const TOKEN = 'xoxb-find-post';
const CHANNEL = 'CFINDPOST1';
const since = new Date(Date.now() - 60_000);

let slack: FakeSlack;
let bridge: SlackBridge;
beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN });
  bridge = new SlackBridge({ token: TOKEN, apiUrl: slack.url });
});
afterAll(async () => {
  expect(slack.specViolations).toEqual([]);
  await slack.close();
});

async function card(key?: string) {
  return bridge.openThread({
    destination: CHANNEL,
    ...(key ? { key } : {}),
    card: {
      ticketId: '1', protocol: 'P-1', status: 'pending', channel: 'whatsapp', customerName: 'Ana', customerPhone: null, department: 'Geral',
      assignee: null, previousProtocol: null, tags: [], contactNotes: 0, scheduledClose: null, windowClosesAt: null, locale: 'en',
    },
  });
}

describe('SlackBridge.findPost', () => {
  it('finds a keyed reply past the first page of a long thread, and not an unkeyed twin', async () => {
    const thread = await card();
    for (let i = 0; i < 230; i += 1) await bridge.post({ thread, text: `linha ${i}`, style: 'notice' });
    const keyed = await bridge.post({ thread, text: 'linha 0', style: 'notice', key: 'ponte-42' });
    const found = await bridge.findPost({ where: { thread }, key: 'ponte-42', since });
    expect(found).toEqual({ externalId: keyed.externalId });
    expect(slack.callsTo('conversations.replies').at(-1)?.params).toMatchObject({ include_all_metadata: 'true', cursor: 'next_200' });
    expect(await bridge.findPost({ where: { thread }, key: 'ponte-43', since })).toBeUndefined();
  });

  it('finds a keyed card in the channel and gives the thread it opens', async () => {
    const opened = await card('ponte-7');
    await card('ponte-8');
    const found = await bridge.findPost({ where: { destination: CHANNEL }, key: 'ponte-7', since });
    expect(found).toEqual({ externalId: `${CHANNEL}:${opened.threadId}`, opens: opened });
  });

  it('a thread that is gone holds nothing; a failed read throws, classified, so nothing is posted blind', async () => {
    const gone = { containerId: CHANNEL, threadId: '1600000000.000100' };
    expect(await bridge.findPost({ where: { thread: gone }, key: 'ponte-9', since })).toBeUndefined();
    slack.failNext('conversations.history', { status: 503 });
    const err = await bridge.findPost({ where: { destination: CHANNEL }, key: 'ponte-7', since }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).retryable).toBe(true);
  });
});
