// The replies scenario of `npm run bench -- --limits real`: agents answer many tickets at once
// (200 replies across 100 tickets in 2 s) while the fake Graph holds the WhatsApp number to
// Meta's 80 sends a second (130429 past it). Tickets are opened with the limits lifted; then,
// under the limits, the fakes send the replies open loop, the way each agent platform delivers
// them. Figures: WhatsApp sends per second (peak in any one-second window) against 80, the
// refusals, each reply's wait until WhatsApp took it, order per ticket, loss.
import { setTimeout as sleep } from 'node:timers/promises';
import { send, until } from './limits-scenario.js';
import { replyTextFor, type AgentPost, type AgentSide, type FakesProcess } from './children.js';
import { SECRETS, startPonteUnderTest } from './ponte.js';
import { DISCORD_AGENT } from './replies.js';
import { SLACK_AGENT } from './pass.js';
import { percentile, round } from './stats.js';

export interface RepliesFigures {
  scenario: string; agent: AgentSide; pacing: 'off' | 'on'; tickets: number; replies: number; lost: number; orderViolations: number;
  allowedPerSecond: number; peakSendsPerSecond: number; refused130429: number;
  waitMs: { p50: number; p99: number; max: number }; drainedSeconds: number;
}

const TICKETS = 100;
const RATE = 100;
const SECONDS = 2;
const WHATSAPP_PER_SECOND = 80;

const contact = (i: number) => ({ from: `55117${String(i).padStart(8, '0')}`, name: `Replies Contact ${i}` });

/** The most sends in any one-second window. */
function peakPerSecond(at: number[]): number {
  const xs = [...at].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < xs.length; i++) {
    while (xs[i]! - xs[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function runRepliesScenario(o: {
  agent: AgentSide; runId: string; fakes: FakesProcess;
  /** Pacing of the replies' sends (WhatsApp's throughput per number); the tickets always open unpaced. */
  pacing: 'off' | 'on';
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string; logLevel: string; drainSeconds: number;
}): Promise<RepliesFigures> {
  const arrivals = new Map<string, AgentPost>();
  o.fakes.onPosts((posts) => {
    for (const p of posts) if (p.side === o.agent && !arrivals.has(p.text)) arrivals.set(p.text, p);
  });
  const delivered = new Map<string, number>();
  o.fakes.onSends((sends) => {
    for (const s of sends) if (!delivered.has(s.key)) delivered.set(s.key, s.at);
  });
  let refused = 0;
  o.fakes.onLimited((_, graph) => (refused = graph));
  await o.fakes.setLimits(false);
  // The tickets open with pacing off: at one post a second per channel it would take minutes to
  // open a hundred (the fakes lift their limits for that). For the paced replies, Ponte is then
  // restarted with pacing on, on the same database.
  const start = (pacing: 'off' | 'on') => startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, discord: o.fakes.discord, discordAdmin: DISCORD_AGENT.id,
    logLevel: o.logLevel, workers: 'inline', agent: o.agent, extraEnv: { PONTE_PACING: pacing },
  });
  let put = await start('off');
  try {
    const ts0 = Math.floor(Date.now() / 1000);
    const people = Array.from({ length: TICKETS }, (_, i) => contact(i));
    const opening = people.map((_, i) => `replies ${o.runId} open ${i}`);
    await Promise.all(people.map((who, i) => send(put.url, who, opening[i]!, ts0)));
    if (await until(opening, arrivals, Date.now() + 120_000)) throw new Error('the tickets did not open');
    await sleep(2000); // the openings' other posts (cards, greetings) settle
    if (o.pacing === 'on') {
      await put.stop();
      put = await start('on');
    }
    await o.fakes.setLimits(true);
    await sleep(1100);
    const refusedBefore = refused;

    const threads = opening.map((t) => arrivals.get(t)!.thread);
    const sent = await o.fakes.replies({
      side: o.agent, runId: o.runId, rate: RATE, seconds: SECONDS, threads,
      ponteUrl: put.url, slackSigningSecret: SECRETS.slackSigning, slackAgent: SLACK_AGENT,
    });
    const total = sent.sentAtMs.length;
    const keys = Array.from({ length: total }, (_, seq) => replyTextFor(o.runId, seq));
    const deadline = Date.now() + o.drainSeconds * 1000;
    while (keys.some((k) => !delivered.has(k)) && Date.now() < deadline) await sleep(100);
    await sleep(200);

    const lost = keys.filter((k) => !delivered.has(k)).length;
    // Reply seq goes to ticket seq mod TICKETS: a ticket's replies must reach WhatsApp in that order.
    let orderViolations = 0;
    for (let seq = TICKETS; seq < total; seq++) {
      const before = delivered.get(keys[seq - TICKETS]!);
      const after = delivered.get(keys[seq]!);
      if (before !== undefined && after !== undefined && after < before) orderViolations++;
    }
    const waits = keys.flatMap((k, seq) => (delivered.has(k) ? [delivered.get(k)! - sent.sentAtMs[seq]!] : [])).sort((a, b) => a - b);
    const q = (p: number) => (waits.length ? round(percentile(waits, p), 0) : 0);
    const at = [...keys].flatMap((k) => (delivered.has(k) ? [delivered.get(k)!] : []));
    const first = Math.min(...sent.sentAtMs.filter((x) => x >= 0));
    return {
      scenario: `${total} replies across ${TICKETS} tickets in ${SECONDS} s`, agent: o.agent, pacing: o.pacing, tickets: TICKETS, replies: total, lost, orderViolations,
      allowedPerSecond: WHATSAPP_PER_SECOND, peakSendsPerSecond: peakPerSecond(at), refused130429: refused - refusedBefore,
      waitMs: { p50: q(50), p99: q(99), max: q(100) }, drainedSeconds: at.length ? round((Math.max(...at) - first) / 1000, 1) : 0,
    };
  } finally {
    await put.stop();
  }
}
