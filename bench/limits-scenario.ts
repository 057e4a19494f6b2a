// One run of a rate-limit scenario (`npm run bench -- --limits real`): Ponte with one agent
// platform, the fakes holding it to the platform's real limits, pacing on (the scheduler) or off
// (the code before it: every lane retries on its own). Tickets are opened first with the limits
// lifted; then, under the limits, one customer may send a burst while quiet customers write one
// message each, spaced out. Figures: posts per second against the allowance, 429s, each quiet
// message's delay against the fair-queue floor (oldest first at the allowed rate), order, loss.
import { setTimeout as sleep } from 'node:timers/promises';
import { signMeta, waTextMessage } from '../test/fixtures/meta.js';
import type { AgentPost, AgentSide, FakesProcess } from './children.js';
import { PHONE_ID, SECRETS, startPonteUnderTest } from './ponte.js';
import { DISCORD_AGENT } from './replies.js';
import { percentile, round } from './stats.js';

export interface Scenario { name: string; burst: number; quiet: number; quietEveryMs: number }
/** The allowance the fakes enforce on the posts measured here (per channel / per forum webhook). */
export const ALLOWED: Record<AgentSide, { perSecond: number; burst: number }> = { slack: { perSecond: 1, burst: 1 }, discord: { perSecond: 2.5, burst: 5 } };

export interface ScenarioFigures {
  scenario: string; agent: AgentSide; pacing: 'on' | 'off';
  messages: number; lost: number; orderViolations: number;
  allowedPerSecond: number; postsPerSecond: number; allowanceUsedPct: number;
  answered429: number; pct429: number;
  quiet: { p50: number; p99: number; max: number; floorP50: number; floorMax: number; overFloorMax: number };
  burstDrainSeconds?: number;
}

const contact = (i: number) => ({ from: `55118${String(i).padStart(8, '0')}`, name: `Limits Contact ${i}` });

/** A customer's signed WhatsApp text webhook, to the bench's number unless `who.number` names another. */
export async function send(url: string, who: { from: string; name: string; number?: string }, text: string, ts: number): Promise<void> {
  const raw = JSON.stringify(waTextMessage({ phoneNumberId: who.number ?? PHONE_ID, from: who.from, name: who.name, text, timestamp: ts }));
  const res = await fetch(`${url}/webhooks/meta`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, SECRETS.meta) } });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

/** Waits until every text has arrived or the deadline passes; how many are still missing. */
export async function until(texts: string[], arrivals: ReadonlyMap<string, unknown>, deadline: number): Promise<number> {
  for (;;) {
    const missing = texts.filter((t) => !arrivals.has(t)).length;
    if (missing === 0 || Date.now() > deadline) return missing;
    await sleep(100);
  }
}

/** Oldest first at the allowance: when each message (by its send time) would be posted at the earliest. */
export function fairFloor(sentAt: number[], allowed: { perSecond: number; burst: number }): number[] {
  const order = sentAt.map((at, i) => ({ at, i })).sort((a, b) => a.at - b.at);
  const gap = 1000 / allowed.perSecond;
  const posted: number[] = [];
  let tokens = allowed.burst;
  let clock = order[0]?.at ?? 0;
  for (const { at, i } of order) {
    const now = Math.max(clock, at);
    tokens = Math.min(allowed.burst, tokens + (now - clock) / gap);
    clock = now;
    if (tokens < 1) {
      clock += (1 - tokens) * gap;
      tokens = 1;
    }
    tokens -= 1;
    posted[i] = clock;
  }
  return posted;
}

export async function runScenario(o: {
  scenario: Scenario; agent: AgentSide; pacing: 'on' | 'off'; runId: string; fakes: FakesProcess;
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string; logLevel: string; drainSeconds: number;
}): Promise<ScenarioFigures> {
  const arrivals = new Map<string, AgentPost & { n: number }>();
  let n = 0;
  o.fakes.onPosts((posts) => {
    for (const p of posts) if (p.side === o.agent && !arrivals.has(p.text)) arrivals.set(p.text, { ...p, n: n++ });
  });
  let limited = 0;
  o.fakes.onLimited((total) => (limited = total));
  await o.fakes.setLimits(false);
  const put = await startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, discord: o.fakes.discord, discordAdmin: DISCORD_AGENT.id,
    logLevel: o.logLevel, workers: 'inline', agent: o.agent, extraEnv: { PONTE_PACING: o.pacing },
  });
  try {
    const { scenario: s } = o;
    const ts0 = Math.floor(Date.now() / 1000);
    // The tickets exist before the clock starts: each message measured below is one post.
    const people = Array.from({ length: s.quiet + (s.burst > 0 ? 1 : 0) }, (_, i) => contact(i));
    const opening = people.map((_, i) => `limits ${o.runId} open ${i}`);
    await Promise.all(people.map((who, i) => send(put.url, who, opening[i]!, ts0)));
    if (await until(opening, arrivals, Date.now() + 60_000)) throw new Error('the tickets did not open');
    await sleep(2000); // the openings' other posts (cards, greetings) settle
    await o.fakes.setLimits(true);
    await sleep(1100);
    const limitedBefore = limited;

    const sentAt = new Map<string, number>();
    const chatty = s.burst > 0 ? people.at(-1)! : undefined;
    const burstTexts = Array.from({ length: s.burst }, (_, k) => `limits ${o.runId} burst ${k}`);
    const quietTexts = Array.from({ length: s.quiet }, (_, i) => `limits ${o.runId} quiet ${i}`);
    const t0 = Date.now();
    const burst = (async () => {
      for (const [k, text] of burstTexts.entries()) {
        sentAt.set(text, Date.now());
        await send(put.url, chatty!, text, ts0 + 10 + k);
      }
    })();
    const quiet = (async () => {
      for (const [i, text] of quietTexts.entries()) {
        const due = t0 + (s.burst > 0 ? 500 : 0) + i * s.quietEveryMs;
        await sleep(Math.max(0, due - Date.now()));
        sentAt.set(text, Date.now());
        await send(put.url, people[i]!, text, ts0 + 10 + s.burst + i);
      }
    })();
    await Promise.all([burst, quiet]);
    const all = [...burstTexts, ...quietTexts];
    const lost = await until(all, arrivals, Date.now() + o.drainSeconds * 1000);
    await sleep(200);
    const answered429 = limited - limitedBefore;

    const allowed = ALLOWED[o.agent];
    const floors = fairFloor(all.map((t) => sentAt.get(t)!), allowed);
    const got = all.map((t) => arrivals.get(t)).filter((p): p is AgentPost & { n: number } => !!p);
    const first = Math.min(...got.map((p) => p.at));
    const last = Math.max(...got.map((p) => p.at));
    const postsPerSecond = got.length > 1 ? (got.length - 1) / ((last - first) / 1000) : 0;
    const delays: number[] = [];
    const floorDelays: number[] = [];
    const over: number[] = [];
    quietTexts.forEach((t, i) => {
      const p = arrivals.get(t);
      if (!p) return;
      const sent = sentAt.get(t)!;
      delays.push(p.at - sent);
      floorDelays.push(floors[s.burst + i]! - sent);
      over.push(p.at - floors[s.burst + i]!);
    });
    // The burst's texts must appear in the order sent (quiet tickets have one message each).
    let orderViolations = 0;
    const burstArrived = burstTexts.map((t) => arrivals.get(t)?.n).filter((x): x is number => x !== undefined);
    for (let k = 1; k < burstArrived.length; k++) if (burstArrived[k]! < burstArrived[k - 1]!) orderViolations++;
    const burstLast = burstTexts.map((t) => arrivals.get(t)?.at ?? 0).reduce((a, b) => Math.max(a, b), 0);
    const q = (xs: number[], p: number) => (xs.length ? round(percentile([...xs].sort((a, b) => a - b), p), 0) : 0);
    return {
      scenario: s.name, agent: o.agent, pacing: o.pacing, messages: all.length, lost, orderViolations,
      allowedPerSecond: allowed.perSecond, postsPerSecond: round(postsPerSecond, 2), allowanceUsedPct: round((postsPerSecond / allowed.perSecond) * 100, 1),
      answered429, pct429: round((answered429 / Math.max(1, answered429 + got.length)) * 100, 1),
      quiet: { p50: q(delays, 50), p99: q(delays, 99), max: q(delays, 100), floorP50: q(floorDelays, 50), floorMax: q(floorDelays, 100), overFloorMax: q(over, 100) },
      ...(s.burst > 0 ? { burstDrainSeconds: round((burstLast - t0) / 1000, 1) } : {}),
    };
  } finally {
    await put.stop();
  }
}
