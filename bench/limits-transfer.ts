// The transfer storm of `npm run bench -- --limits real`: 30 tickets of the connection's channel
// (Slack) or forum (Discord) are moved at once to a department whose place is another
// (`!transfer Suporte` in each thread, sent the way the platform delivers an agent's message).
// Each transfer opens a new card and thread in the department's place and leaves a notice in the
// old thread, so both places get a burst of posts under the platform's limits. Figures: how long
// until every new card and every notice was posted, 429s, loss.
import { setTimeout as sleep } from 'node:timers/promises';
import { send } from './limits-scenario.js';
import { slackHeaders, slashCommandBody } from '../test/fixtures/slack.js';
import { saveDepartment } from '../src/departments/repository.js';
import type { AgentPost, AgentSide, FakesProcess } from './children.js';
import { ADMIN, CHANNEL, SECRETS, startPonteUnderTest, type PonteUnderTest } from './ponte.js';
import { DISCORD_AGENT } from './replies.js';
import { SLACK_AGENT } from './pass.js';
import { round } from './stats.js';

export interface TransferFigures {
  scenario: string; agent: AgentSide; pacing: 'on' | 'off'; tickets: number;
  cardsLost: number; noticesLost: number; answered429: number; cardsDrainedSeconds: number; noticesDrainedSeconds: number;
}

const TICKETS = 30;
const DEPARTMENT = 'Suporte';
// Two digits: no contact's name is the start of another's ("… 1" in "… 10").
const contact = (i: number) => ({ from: `55116${String(i).padStart(8, '0')}`, name: `Storm Contact ${String(i).padStart(2, '0')}` });

/**
 * The department with a place of its own, per agent platform; returns the place. Slack: an admin's
 * `/ponte department add` (the fake takes any channel). Discord: a new forum in the fake guild,
 * recorded the way bench/ponte.ts records the connection's forum.
 */
const ADD_DEPARTMENT: Record<AgentSide, (put: PonteUnderTest, fakes: FakesProcess) => Promise<string>> = {
  async slack(put) {
    const place = 'CBENCHSUPORTE';
    const raw = slashCommandBody({ command: '/ponte', text: `department add ${DEPARTMENT} <#${place}|suporte>`, userId: ADMIN, channelId: CHANNEL });
    const res = await fetch(`${put.url}/slack/events`, { method: 'POST', body: raw, headers: slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' }) });
    const body = await res.text();
    if (res.status !== 200 || !body.includes(DEPARTMENT)) throw new Error(`/ponte department add answered ${res.status}: ${body}`);
    return place;
  },
  async discord(put, fakes) {
    const place = await fakes.addForum('suporte');
    await saveDepartment(put.ponte!.sql, 'discord', DEPARTMENT, place);
    return place;
  },
};

export async function runTransferScenario(o: {
  agent: AgentSide; pacing: 'on' | 'off'; runId: string; fakes: FakesProcess;
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string; logLevel: string; drainSeconds: number;
}): Promise<TransferFigures> {
  const posts: AgentPost[] = [];
  o.fakes.onPosts((ps) => void posts.push(...ps.filter((p) => p.side === o.agent)));
  let limited = 0;
  o.fakes.onLimited((total) => (limited = total));
  await o.fakes.setLimits(false);
  const put = await startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, discord: o.fakes.discord, discordAdmin: DISCORD_AGENT.id,
    logLevel: o.logLevel, workers: 'inline', agent: o.agent, extraEnv: { PONTE_PACING: o.pacing },
  });
  try {
    const place = await ADD_DEPARTMENT[o.agent](put, o.fakes);
    const ts0 = Math.floor(Date.now() / 1000);
    const people = Array.from({ length: TICKETS }, (_, i) => contact(i));
    const opening = people.map((_, i) => `storm ${o.runId} open ${i}`);
    for (const [i, who] of people.entries()) await send(put.url, who, opening[i]!, ts0);
    const threadOf = (text: string) => posts.find((p) => p.text === text)?.thread;
    // Paced, the 60 opening posts take a minute in Slack's one channel (the fakes' limits are lifted).
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
    // All 30 at once (open loop, as fast as the fakes send): a Slack event each, a gateway MESSAGE_CREATE each on Discord.
    const sent = await o.fakes.replies({
      side: o.agent, runId: o.runId, rate: 100_000, seconds: TICKETS / 100_000, threads, text: `!transfer ${DEPARTMENT}`,
      ponteUrl: put.url, slackSigningSecret: SECRETS.slackSigning, slackAgent: SLACK_AGENT,
    });
    const t0 = Math.min(...sent.sentAtMs);
    const after = () => posts.slice(seen);
    const cardAt = (i: number) => after().find((p) => p.opens === place && p.text.includes(people[i]!.name))?.at;
    // The notice names where the ticket went (transfer.left), unlike any refusal the command could meet.
    const noticeAt = (i: number) => after().find((p) => p.thread === threads[i] && p.text.includes(DEPARTMENT))?.at;
    const end = Date.now() + o.drainSeconds * 1000;
    while (people.some((_, i) => cardAt(i) === undefined || noticeAt(i) === undefined) && Date.now() < end) await sleep(200);
    await sleep(200);
    const cards = people.map((_, i) => cardAt(i)).filter((x): x is number => x !== undefined);
    const notices = people.map((_, i) => noticeAt(i)).filter((x): x is number => x !== undefined);
    return {
      scenario: `${TICKETS} tickets transferred at once`, agent: o.agent, pacing: o.pacing, tickets: TICKETS,
      cardsLost: TICKETS - cards.length, noticesLost: TICKETS - notices.length, answered429: limited - limitedBefore,
      cardsDrainedSeconds: cards.length ? round((Math.max(...cards) - t0) / 1000, 1) : 0,
      noticesDrainedSeconds: notices.length ? round((Math.max(...notices) - t0) / 1000, 1) : 0,
    };
  } finally {
    await put.stop();
  }
}
