// The transfer storm of `npm run bench -- --limits real` (Slack): 30 tickets of one channel are
// moved at once to a department whose channel is another (`!transfer Suporte` in each thread).
// Each transfer opens a new card and thread in the new channel and leaves a notice in the old
// thread, so both channels get a burst of posts under Slack's one post a second per channel.
// Figures: how long until every new card and every notice was posted, 429s, loss.
import { setTimeout as sleep } from 'node:timers/promises';
import { signMeta, waTextMessage } from '../test/fixtures/meta.js';
import { slackHeaders, slackMessageEvent, slashCommandBody } from '../test/fixtures/slack.js';
import type { AgentPost, FakesProcess } from './children.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, startPonteUnderTest } from './ponte.js';
import { SLACK_AGENT } from './pass.js';
import { round } from './stats.js';

export interface TransferFigures {
  scenario: string; agent: 'slack'; pacing: 'on' | 'off'; tickets: number;
  cardsLost: number; noticesLost: number; answered429: number; cardsDrainedSeconds: number; noticesDrainedSeconds: number;
}

const TICKETS = 30;
const TARGET = 'CBENCHSUPORTE';
const contact = (i: number) => ({ from: `55116${String(i).padStart(8, '0')}`, name: `Storm Contact ${i}` });

async function post(url: string, raw: string, contentType: string): Promise<string> {
  const res = await fetch(`${url}/slack/events`, { method: 'POST', body: raw, headers: slackHeaders(raw, SECRETS.slackSigning, { contentType }) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`Slack event answered ${res.status}: ${body}`);
  return body;
}

export async function runTransferScenario(o: {
  pacing: 'on' | 'off'; runId: string; fakes: FakesProcess;
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string; logLevel: string; drainSeconds: number;
}): Promise<TransferFigures> {
  const posts: AgentPost[] = [];
  o.fakes.onPosts((ps) => void posts.push(...ps.filter((p) => p.side === 'slack')));
  let limited = 0;
  o.fakes.onLimited((total) => (limited = total));
  await o.fakes.setLimits(false);
  const put = await startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, logLevel: o.logLevel, workers: 'inline', agent: 'slack',
    extraEnv: { PONTE_PACING: o.pacing },
  });
  try {
    const added = await post(put.url, slashCommandBody({ command: '/ponte', text: `department add Suporte <#${TARGET}|suporte>`, userId: ADMIN, channelId: CHANNEL }), 'application/x-www-form-urlencoded');
    if (!added.includes('Suporte')) throw new Error(`/ponte department add answered: ${added}`);
    const ts0 = Math.floor(Date.now() / 1000);
    const people = Array.from({ length: TICKETS }, (_, i) => contact(i));
    const opening = people.map((_, i) => `storm ${o.runId} open ${i}`);
    for (const [i, who] of people.entries()) {
      const raw = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: who.from, name: who.name, text: opening[i]!, timestamp: ts0 }));
      const res = await fetch(`${put.url}/webhooks/meta`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, SECRETS.meta) } });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    }
    const threadOf = (text: string) => posts.find((p) => p.text === text)?.thread;
    // Paced, the 60 opening posts take a minute in the one channel (the fakes' limits are lifted).
    const deadline = Date.now() + 150_000;
    while (opening.some((t) => !threadOf(t))) {
      if (Date.now() > deadline) throw new Error('the tickets did not open');
      await sleep(100);
    }
    const threads = opening.map((t) => threadOf(t)!);
    await sleep(3000);
    await o.fakes.setLimits(true);
    await sleep(1100);
    const limitedBefore = limited;
    const seen = posts.length;
    const t0 = Date.now();
    await Promise.all(threads.map((thread, i) => {
      const [channel, threadTs] = thread.split('/') as [string, string];
      return post(put.url, JSON.stringify(slackMessageEvent({ channel, threadTs, user: SLACK_AGENT, text: '!transfer Suporte', ts: `1800000001.${String(i).padStart(6, '0')}` })), 'application/json');
    }));
    const after = () => posts.slice(seen);
    const cardAt = (i: number) => after().find((p) => p.thread === `${TARGET}/` && p.text.includes(people[i]!.name))?.at;
    const noticeAt = (i: number) => after().find((p) => p.thread === threads[i])?.at;
    const end = Date.now() + o.drainSeconds * 1000;
    while (people.some((_, i) => cardAt(i) === undefined || noticeAt(i) === undefined) && Date.now() < end) await sleep(200);
    await sleep(200);
    const cards = people.map((_, i) => cardAt(i)).filter((x): x is number => x !== undefined);
    const notices = people.map((_, i) => noticeAt(i)).filter((x): x is number => x !== undefined);
    return {
      scenario: `${TICKETS} tickets transferred at once`, agent: 'slack', pacing: o.pacing, tickets: TICKETS,
      cardsLost: TICKETS - cards.length, noticesLost: TICKETS - notices.length, answered429: limited - limitedBefore,
      cardsDrainedSeconds: cards.length ? round((Math.max(...cards) - t0) / 1000, 1) : 0,
      noticesDrainedSeconds: notices.length ? round((Math.max(...notices) - t0) / 1000, 1) : 0,
    };
  } finally {
    await put.stop();
  }
}
