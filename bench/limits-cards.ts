// The card storm of `npm run bench -- --limits real --scenario cards` (Slack only): 120 tickets open
// in one channel (or spread over four, one WhatsApp number connected to each: chat.postMessage is
// limited per channel, chat.update per workspace), then an agent tags all of them at once (`!tag storm-<run>` in each
// thread, a signed Events API message, as Slack delivers it). Each tag is a card update
// (chat.update on the thread's parent, Slack's Tier 3: 50 in any 60 s for the workspace) and a
// notice in the thread (a post, one per second per channel). Meanwhile 8 of the stormed tickets'
// customers and 4 quiet tickets' customers keep writing. Figures: chat.update calls and 429s,
// seconds until every card shows the tag (the fake's last chat.update of each card), card updates
// coalesced, notices, and the customers' messages' delay (webhook → posted in the thread), loss,
// order per ticket.
import { setTimeout as sleep } from 'node:timers/promises';
import { send, until } from './limits-scenario.js';
import { slackHeaders, slashCommandBody } from '../test/fixtures/slack.js';
import type { AgentPost, CardUpdate, FakesProcess } from './children.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, startPonteUnderTest } from './ponte.js';
import { DISCORD_AGENT } from './replies.js';
import { SLACK_AGENT } from './pass.js';
import { percentile, round } from './stats.js';

interface Delays { n: number; p50: number; p99: number; max: number }

export interface CardsFigures {
  scenario: string; agent: 'slack'; pacing: 'on' | 'off'; tickets: number; channels: number;
  /** chat.update calls Slack performed, and those it answered 429 (share of all chat.update requests). */
  updateCalls: number; updates429: number; pct429: number;
  /** Card updates queued by the storm and settled without a call (a later one of the same ticket rendered the latest state). */
  coalesced: number;
  /** From the first `!tag` until every card shows its tag; cards that never did. */
  cardsFinalSeconds: number; cardsNotFinal: number;
  /** Until every tag notice was posted; notices never posted. */
  noticesSeconds: number; noticesLost: number;
  /** chat.postMessage 429s during the storm. */
  posts429: number;
  stormed: Delays; quiet: Delays;
  lost: number; orderViolations: number;
}

const TICKETS = 120;
/** Stormed tickets whose customers write during the storm (every 15th), and quiet tickets (no action on them). */
const STORMED_WRITERS = 8;
const QUIET = 4;
/** Each writer sends this many messages, this far apart, the first a second after the storm. */
const ROUNDS = 3;
const EVERY_MS = 20_000;

const contact = (i: number) => ({ from: `55119${String(i).padStart(8, '0')}`, name: `Card Contact ${String(i).padStart(3, '0')}` });

/** The WhatsApp number whose tickets open in channel `k` (0: the bench's own), and that channel. */
const numberOf = (k: number) => (k === 0 ? PHONE_ID : `77000000${k}`);
const channelOf = (k: number) => (k === 0 ? CHANNEL : `CBENCHCARDS${k}`);

/** Connects number `k` to its channel the way an admin does it in Slack. */
async function connectNumber(url: string, k: number): Promise<void> {
  const raw = slashCommandBody({ command: '/ponte', text: `connect whatsapp ${numberOf(k)} <#${channelOf(k)}|cards${k}>`, userId: ADMIN, channelId: CHANNEL });
  const res = await fetch(`${url}/slack/events`, { method: 'POST', body: raw, headers: slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' }) });
  const body = await res.text();
  if (res.status !== 200 || !body.includes(numberOf(k))) throw new Error(`/ponte connect answered ${res.status}: ${body}`);
}

const delays = (xs: number[]): Delays => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? round(percentile(s, p), 0) : 0);
  return { n: s.length, p50: q(50), p99: q(99), max: q(100) };
};

export async function runCardsScenario(o: {
  pacing: 'on' | 'off'; runId: string; fakes: FakesProcess;
  /** Channels the tickets are spread over, round robin (one WhatsApp number connected to each). */
  channels: number;
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string; logLevel: string; drainSeconds: number;
}): Promise<CardsFigures> {
  const arrivals = new Map<string, AgentPost & { n: number }>();
  let n = 0;
  o.fakes.onPosts((posts) => {
    for (const p of posts) if (p.side === 'slack' && !arrivals.has(p.text)) arrivals.set(p.text, { ...p, n: n++ });
  });
  const notices: AgentPost[] = [];
  const tag = `storm-${o.runId}`;
  o.fakes.onPosts((posts) => void notices.push(...posts.filter((p) => p.text.includes(tag))));
  const updates: CardUpdate[] = [];
  o.fakes.onUpdates((us) => void updates.push(...us));
  let posts429 = 0;
  let updates429 = 0;
  o.fakes.onLimited((total, _graph, upd) => ((posts429 = total), (updates429 = upd)));
  await o.fakes.setLimits(false);
  // The tickets open unpaced and unlimited (125 openings at one post a second would take minutes);
  // Ponte is then restarted with the pacing under test, on the same database.
  const start = (pacing: 'off' | 'on') => startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, discordAdmin: DISCORD_AGENT.id,
    logLevel: o.logLevel, workers: 'inline', agent: 'slack', extraEnv: { PONTE_PACING: pacing },
  });
  let put = await start('off');
  try {
    for (let k = 1; k < o.channels; k++) await connectNumber(put.url, k);
    const ts0 = Math.floor(Date.now() / 1000);
    const people = Array.from({ length: TICKETS + QUIET }, (_, i) => ({ ...contact(i), number: numberOf(i % o.channels) }));
    const opening = people.map((_, i) => `cards ${o.runId} open ${i}`);
    await Promise.all(people.map((who, i) => send(put.url, who, opening[i]!, ts0)));
    if (await until(opening, arrivals, Date.now() + 150_000)) throw new Error('the tickets did not open');
    await sleep(2000); // the openings' other posts (greetings) settle
    if (o.pacing === 'on') {
      await put.stop();
      put = await start('on');
    }
    const sql = put.ponte!.sql;
    const [{ maxId } = { maxId: '0' }] = await sql<{ maxId: string }[]>`SELECT COALESCE(max(id), 0)::text AS "maxId" FROM outbox`;
    await o.fakes.setLimits(true);
    await sleep(1100);
    const posts429Before = posts429;
    const updates429Before = updates429;
    const updatesBefore = updates.length;

    const threads = opening.map((t) => arrivals.get(t)!.thread);
    const stormed = threads.slice(0, TICKETS);
    const writers = Array.from({ length: STORMED_WRITERS }, (_, k) => k * Math.floor(TICKETS / STORMED_WRITERS));
    const quiet = Array.from({ length: QUIET }, (_, k) => TICKETS + k);
    const texts = new Map<number, string[]>([...writers, ...quiet].map((i) => [i, Array.from({ length: ROUNDS }, (_, r) => `cards ${o.runId} t${i} m${r}`)]));
    const sentAt = new Map<string, number>();
    const c0 = Date.now();
    const customers = (async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const due = c0 + 1000 + r * EVERY_MS;
        await sleep(Math.max(0, due - Date.now()));
        await Promise.all([...texts].map(async ([i, ts]) => {
          sentAt.set(ts[r]!, Date.now());
          await send(put.url, people[i]!, ts[r]!, ts0 + 10 + r);
        }));
      }
    })();
    // All 120 at once (open loop, as fast as the fakes send), each a signed Events API message.
    const sent = await o.fakes.replies({
      side: 'slack', runId: o.runId, rate: 100_000, seconds: TICKETS / 100_000, threads: stormed, text: `!tag ${tag}`,
      ponteUrl: put.url, slackSigningSecret: SECRETS.slackSigning, slackAgent: SLACK_AGENT,
    });
    const t0 = Math.min(...sent.sentAtMs);
    await customers;

    const finalAt = (card: string) => updates.slice(updatesBefore).find((u) => u.card === card && u.content.includes(tag))?.at;
    const noticeAt = (thread: string) => notices.find((p) => p.thread === thread)?.at;
    const all = [...texts.values()].flat();
    const done = () => stormed.every((c) => finalAt(c) !== undefined && noticeAt(c) !== undefined) && all.every((t) => arrivals.has(t));
    const end = Date.now() + o.drainSeconds * 1000;
    while (!done() && Date.now() < end) await sleep(200);
    await sleep(500);

    const cardTimes = stormed.map(finalAt).filter((x): x is number => x !== undefined);
    const noticeTimes = stormed.map(noticeAt).filter((x): x is number => x !== undefined);
    const delayOf = (group: number[]) => group.flatMap((i) => texts.get(i)!.flatMap((t) => (arrivals.has(t) ? [arrivals.get(t)!.at - sentAt.get(t)!] : [])));
    let orderViolations = 0;
    for (const ts of texts.values()) {
      const seen = ts.map((t) => arrivals.get(t)?.n).filter((x): x is number => x !== undefined);
      for (let k = 1; k < seen.length; k++) if (seen[k]! < seen[k - 1]!) orderViolations++;
    }
    const updateCalls = updates.length - updatesBefore;
    const refused = updates429 - updates429Before;
    const [{ rows } = { rows: 0 }] = await sql<{ rows: number }[]>`SELECT count(*)::int AS rows FROM outbox WHERE kind = 'card.update' AND id > ${maxId}::bigint AND state = 'done'`;
    return {
      scenario: `${TICKETS} cards tagged at once, ${o.channels === 1 ? 'one channel' : `${o.channels} channels`}`, agent: 'slack', pacing: o.pacing, tickets: TICKETS, channels: o.channels,
      updateCalls, updates429: refused, pct429: round((refused / Math.max(1, refused + updateCalls)) * 100, 1),
      coalesced: Math.max(0, rows - updateCalls),
      cardsFinalSeconds: cardTimes.length ? round((Math.max(...cardTimes) - t0) / 1000, 1) : 0, cardsNotFinal: TICKETS - cardTimes.length,
      noticesSeconds: noticeTimes.length ? round((Math.max(...noticeTimes) - t0) / 1000, 1) : 0, noticesLost: TICKETS - noticeTimes.length,
      posts429: posts429 - posts429Before,
      stormed: delays(delayOf(writers)), quiet: delays(delayOf(quiet)),
      lost: all.filter((t) => !arrivals.has(t)).length, orderViolations,
    };
  } finally {
    await put.stop();
  }
}
