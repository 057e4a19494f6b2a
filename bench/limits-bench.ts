// `npm run bench -- --limits real`: the agent platforms' real rate limits, played by the fakes
// (Slack: one chat.postMessage per second per channel; Discord: 5 per 2 s per webhook and 5 per
// 5 s per channel, with X-RateLimit-* headers), against Ponte with the pacing scheduler on and,
// in the same run, off (PONTE_PACING=off: the code before it); and agents replying to many
// tickets while WhatsApp takes 80 sends a second per number (bench/limits-replies.ts). See docs/performance.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startFakes, type AgentSide } from './children.js';
import { startServices } from './services.js';
import { ADMIN } from './ponte.js';
import { SECRETS } from './ponte.js';
import { SLACK_AGENT } from './pass.js';
import { machine } from './report.js';
import { fmt, table } from './stats.js';
import { ALLOWED, runScenario, type Scenario, type ScenarioFigures } from './limits-scenario.js';
import { runRepliesScenario, type RepliesFigures } from './limits-replies.js';
import { runTransferScenario, type TransferFigures } from './limits-transfer.js';
import { runCardsScenario, type CardsFigures } from './limits-cards.js';

/** Quiet customers write at 70 % of the allowance; the burst scenario adds 50 at once from one customer. */
export function scenarios(agent: AgentSide): Scenario[] {
  const gap = 1000 / ALLOWED[agent].perSecond;
  return [
    { name: 'quiet tickets', burst: 0, quiet: 20, quietEveryMs: Math.round(gap / 0.7) },
    { name: 'burst of 50 among quiet', burst: 50, quiet: 10, quietEveryMs: Math.round(gap * 2) },
  ];
}

export async function runLimitsBench(o: {
  agents: AgentSide[]; root: string; fast: boolean; logLevel: string; runs: number; drainSeconds: number;
  /** Only the scenarios whose name contains this word. */
  only?: string;
  /** Registers a stop, so an interrupted run cleans up (webhook-bench.ts). */
  track<T extends () => Promise<unknown>>(name: string, fn: T): T;
}): Promise<number> {
  const runId = randomBytes(3).toString('hex');
  console.log(`Ponte rate-limit benchmark ${runId}: agent side ${o.agents.join(', ')}; ${o.runs} run(s) of each scenario, pacing off then on`);
  const services = await startServices({ fast: o.fast, root: o.root });
  const stopServices = o.track('postgres/redis', services.stop);
  const results: ScenarioFigures[] = [];
  const replies: RepliesFigures[] = [];
  const transfers: TransferFigures[] = [];
  const cards: CardsFigures[] = [];
  const chosen = (name: string) => o.only === undefined || name.includes(o.only);
  const fakesFor = async (agent: AgentSide) => {
    const started = await startFakes({ slackToken: SECRETS.slackBot, graphToken: SECRETS.waToken, users: [ADMIN, SLACK_AGENT], ...(agent === 'discord' ? { discord: { token: 'bench-discord-bot-token' } } : {}) });
    return { ...started, stop: o.track('fake servers', started.stop) };
  };
  try {
    let k = 0;
    for (const agent of o.agents) {
      for (const scenario of scenarios(agent).filter((s) => chosen(s.name))) {
        for (let run = 0; run < o.runs; run++) {
          for (const pacing of ['off', 'on'] as const) {
            const where = await services.freshPass(`${agent[0]}${k}`);
            const fakes = await fakesFor(agent);
            try {
              console.log(`  ${agent} · ${scenario.name} · pacing ${pacing} …`);
              const f = await runScenario({ scenario, agent, pacing, runId: `${runId}${k++}`, fakes, ...where, redisUrl: services.redisUrl, dataDir: `${o.root}/.data/bench-${process.pid}`, logLevel: o.logLevel, drainSeconds: o.drainSeconds });
              console.log(`    ${JSON.stringify(f)}`);
              results.push(f);
            } finally {
              await fakes.stop();
            }
          }
        }
      }
      // Agents answering many tickets at once: WhatsApp's 80 sends a second per number, pacing off
      // (every send meets the limit and waits out its refusal) then on (sends paced per number).
      for (let run = 0; run < o.runs && chosen('replies'); run++) {
        for (const pacing of ['off', 'on'] as const) {
          const where = await services.freshPass(`${agent[0]}${k}`);
          const fakes = await fakesFor(agent);
          try {
            console.log(`  ${agent} · agent replies to many tickets · pacing ${pacing} …`);
            const f = await runRepliesScenario({ agent, pacing, runId: `${runId}${k++}`, fakes, ...where, redisUrl: services.redisUrl, dataDir: `${o.root}/.data/bench-${process.pid}`, logLevel: o.logLevel, drainSeconds: o.drainSeconds });
            console.log(`    ${JSON.stringify(f)}`);
            replies.push(f);
          } finally {
            await fakes.stop();
          }
        }
      }
      // A department transfer storm: 30 tickets moved at once to a department with a place of its own.
      for (let run = 0; run < o.runs && chosen('transfer'); run++) {
        for (const pacing of ['off', 'on'] as const) {
          const where = await services.freshPass(`${agent[0]}${k}`);
          const fakes = await fakesFor(agent);
          try {
            console.log(`  ${agent} · transfer storm · pacing ${pacing} …`);
            const f = await runTransferScenario({ agent, pacing, runId: `${runId}${k++}`, fakes, ...where, redisUrl: services.redisUrl, dataDir: `${o.root}/.data/bench-${process.pid}`, logLevel: o.logLevel, drainSeconds: o.drainSeconds });
            console.log(`    ${JSON.stringify(f)}`);
            transfers.push(f);
          } finally {
            await fakes.stop();
          }
        }
      }
      // A card storm: 120 cards updated at once under chat.update's tier (Slack only), in one
      // channel (its posts are the tighter limit there), then spread over four (the tier is the workspace's).
      for (let run = 0; run < o.runs && chosen('cards') && agent === 'slack'; run++) {
        for (const [channels, pacing] of [[1, 'off'], [1, 'on'], [4, 'off'], [4, 'on']] as const) {
          const where = await services.freshPass(`${agent[0]}${k}`);
          const fakes = await fakesFor(agent);
          try {
            console.log(`  ${agent} · card storm · pacing ${pacing} …`);
            const f = await runCardsScenario({ pacing, channels, runId: `${runId}${k++}`, fakes, ...where, redisUrl: services.redisUrl, dataDir: `${o.root}/.data/bench-${process.pid}`, logLevel: o.logLevel, drainSeconds: Math.max(o.drainSeconds, 300) });
            console.log(`    ${JSON.stringify(f)}`);
            cards.push(f);
          } finally {
            await fakes.stop();
          }
        }
      }
      if (chosen('cards') && agent === 'discord') console.log('  discord · card storm: not played (Slack only; a Discord card edit has its own per-route bucket)');
    }
  } finally {
    await stopServices();
  }
  if (results.length) console.log(`\n${table([
    ['agent', 'scenario', 'pacing', 'posts/s (allowed)', 'used %', '429s (% of sends)', 'quiet p50 / p99 ms', 'fair floor p50 / max ms', 'over floor max ms', 'burst drained s', 'order', 'lost'],
    ...results.map((r) => [r.agent, r.scenario, r.pacing, `${fmt(r.postsPerSecond, 2)} (${r.allowedPerSecond})`, fmt(r.allowanceUsedPct), `${r.answered429} (${fmt(r.pct429)} %)`,
      `${r.quiet.p50} / ${r.quiet.p99}`, `${r.quiet.floorP50} / ${r.quiet.floorMax}`, String(r.quiet.overFloorMax), r.burstDrainSeconds === undefined ? '–' : fmt(r.burstDrainSeconds), String(r.orderViolations), String(r.lost)]),
  ])}`);
  if (replies.length) {
    console.log(`\n${table([
      ['agent', 'scenario', 'pacing', 'WhatsApp sends/s peak (allowed)', '130429s', 'reply → WhatsApp p50 / p99 / max ms', 'drained s', 'order', 'lost'],
      ...replies.map((r) => [r.agent, r.scenario, r.pacing, `${r.peakSendsPerSecond} (${r.allowedPerSecond})`, String(r.refused130429),
        `${r.waitMs.p50} / ${r.waitMs.p99} / ${r.waitMs.max}`, fmt(r.drainedSeconds), String(r.orderViolations), String(r.lost)]),
    ])}`);
  }
  if (transfers.length) {
    console.log(`\n${table([
      ['agent', 'scenario', 'pacing', '429s', 'new cards all posted s', 'old-thread notices all posted s', 'cards lost', 'notices lost'],
      ...transfers.map((r) => [r.agent, r.scenario, r.pacing, String(r.answered429), fmt(r.cardsDrainedSeconds), fmt(r.noticesDrainedSeconds), String(r.cardsLost), String(r.noticesLost)]),
    ])}`);
  }
  if (cards.length) {
    const d = (x: CardsFigures['quiet']) => `${x.p50} / ${x.p99} / ${x.max}`;
    console.log(`\n${table([
      ['agent', 'scenario', 'pacing', 'chat.update calls', '429s (% of chat.update)', 'coalesced', 'cards final s', 'notices s', 'post 429s', 'stormed customers p50 / p99 / max ms', 'quiet p50 / p99 / max ms', 'order', 'lost'],
      ...cards.map((r) => [r.agent, r.scenario, r.pacing, String(r.updateCalls), `${r.updates429} (${fmt(r.pct429)} %)`, String(r.coalesced),
        `${fmt(r.cardsFinalSeconds)}${r.cardsNotFinal ? ` (${r.cardsNotFinal} not)` : ''}`, `${fmt(r.noticesSeconds)}${r.noticesLost ? ` (${r.noticesLost} lost)` : ''}`, String(r.posts429),
        d(r.stormed), d(r.quiet), String(r.orderViolations), String(r.lost)]),
    ])}`);
  }
  const date = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  await mkdir(path.join(o.root, 'bench/results'), { recursive: true });
  const file = path.join(o.root, 'bench/results', `limits-${date}.json`);
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), runs: o.runs, results, replies, transfers, cards }, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  const whole = [...results, ...replies, ...cards].every((r) => r.lost === 0) && transfers.every((r) => r.cardsLost + r.noticesLost === 0)
    && cards.every((r) => r.cardsNotFinal + r.noticesLost === 0);
  return whole ? 0 : 1;
}
