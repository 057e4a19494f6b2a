// `npm run bench -- --timers N`: N pending timers (half scheduled resolves, half scheduled
// messages) due evenly over --timers-spread seconds, fired by Ponte's worker role in its own
// process; each firing's lateness (fired − due, from the rows), the worker's RSS sampled every
// 250 ms, the work per firing (Postgres transactions, Redis commands) and the cost of one sweep
// (the sweeper before issue 14 beside the current one). With `--baseline <ref>`, the worker of
// the code at <ref> fires the same timers on a fresh database, alternating with the current
// code, and the two are printed side by side. See docs/performance.md, "Timers at scale".
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { migrate } from '../src/db/migrate.js';
import { createQueues, redisConnection } from '../src/queue/queues.js';
import { horizonFor } from '../src/pipeline/sweeper.js';
import { dueTimers } from '../src/timers/due.js';
import { SWEEP_EVERY_MS } from '../src/queue/workers.js';
import { platformEnv } from '../test/support/platform-env.js';
import { startFakes, startWorkerProcess } from './children.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS } from './ponte.js';
import { startServices, type BenchServices } from './services.js';
import { SLACK_AGENT } from './pass.js';
import { machine } from './report.js';
import { dueLater, dueSoon, firedCount, lateness, seedTimers } from './timers-seed.js';
import { denseSweepCost, sweepCost } from './timers-sweep.js';
import { prepareBaseline, sidesOf, type CodeUnderTest } from './baseline.js';
import { readCounters, perMessage } from './counters.js';
import { printTimerSides, printTimerSide, type TimerSide } from './timers-report.js';
import { round, roundSummary, summarize } from './stats.js';

export interface TimerBenchOptions {
  n: number; firing: number; spreadSeconds: number; leadSeconds: number; fast: boolean; root: string; logLevel: string; drainSeconds: number;
  /** A git ref: its code fires the same timers too, alternating with the current code (bench/baseline.ts). */
  baseline?: string;
  /** Rounds of (current, baseline) with a baseline (default 1). */
  runs?: number;
}
type Track = (name: string, stop: () => Promise<unknown>) => () => Promise<unknown>;

const rssMb = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t, 1), value };
}

export async function runTimerBench(o: TimerBenchOptions, track: Track): Promise<number> {
  const startedAt = Date.now();
  console.log(`Ponte timer benchmark: ${o.n} pending timers, ${o.firing} of them due over ${o.spreadSeconds} s (${o.leadSeconds} s after arming), the rest a day later`);
  const baseline = o.baseline ? await prepareBaseline(o.root, o.baseline) : undefined;
  if (baseline) {
    track('baseline tree', baseline.remove);
    console.log(`baseline: ${o.baseline} = ${baseline.sha}, extracted to ${baseline.tree}; ${o.runs ?? 1} round(s) of current then baseline, each on a fresh database`);
  }
  const services = await startServices({ fast: o.fast, root: o.root });
  const stopServices = track('postgres/redis', services.stop);
  const rounds = baseline ? (o.runs ?? 1) : 1;
  const plan = Array.from({ length: rounds }, (_, r) => sidesOf(o.root, baseline).map((code) => ({ code, run: r + 1 }))).flat();
  const sides: TimerSide[] = [];
  for (const [i, { code, run }] of plan.entries()) {
    const where = i === 0 ? { databaseUrl: services.databaseUrl, queuePrefix: services.queuePrefix } : await services.freshPass(`t${i}`);
    const name = baseline ? `${code.name}${rounds > 1 ? ` #${run}` : ''}` : 'current';
    if (baseline) console.log(`\n[${i + 1}/${plan.length}] ${name}`);
    const side = await timerSide(o, services, where, code, name, track);
    printTimerSide(side);
    sides.push(side);
  }
  await stopServices();
  if (sides.length > 1) printTimerSides(sides);

  const result = {
    date: new Date().toISOString(), machine: machine(), mode: 'timers',
    params: { timers: o.n, firing: o.firing, spreadSeconds: o.spreadSeconds, leadSeconds: o.leadSeconds, fast: o.fast, sweepEveryMs: SWEEP_EVERY_MS, horizonMs: horizonFor(SWEEP_EVERY_MS), baseline: baseline && { ref: o.baseline, sha: baseline.sha }, runs: rounds },
    // Without --baseline, the one side's figures at the top level, as before.
    ...(baseline ? { sides } : sides[0]),
    wallSeconds: round((Date.now() - startedAt) / 1000, 1),
  };
  const file = path.join(o.root, 'bench', 'results', `timers-${result.date.replace(/[:.]/g, '-').slice(0, 19)}Z.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  let ok = true;
  for (const s of sides) {
    const sideOk = s.fired >= o.firing && s.lateness.all.p99 < 1000 && (s.rssMb.max ?? 0) < 300;
    if (!sideOk) console.error(`bench (${s.name}): ${s.fired < o.firing ? `${o.firing - s.fired} due timers never fired; ` : ''}p99 lateness ${s.lateness.all.p99} ms (aim < 1000), max RSS ${s.rssMb.max} MB (aim < 300)`);
    // The aims are the current code's; a baseline that misses them is what it is being compared with.
    if (s.name.startsWith('current')) ok &&= sideOk;
    else ok &&= s.fired >= o.firing;
  }
  return ok ? 0 : 1;
}

/** One side: seed the rows on its database (its own migrations), arm, fire with its worker, measure. */
async function timerSide(o: TimerBenchOptions, services: BenchServices, where: { databaseUrl: string; queuePrefix: string }, code: CodeUnderTest, name: string, track: Track): Promise<TimerSide> {
  const sql = postgres(where.databaseUrl, { max: 4, onnotice: () => {} });
  const redis = redisConnection(services.redisUrl);
  const queues = createQueues(redis, where.queuePrefix);
  const closeClients = track(`clients (${name})`, async () => {
    await queues.close();
    redis.disconnect();
    await sql.end({ timeout: 5 });
  });
  // The side's own schema: the baseline's migrations are older (its worker would apply them anyway).
  await migrate(sql, path.join(code.tree, 'migrations'));
  const seeded = await timed(() => seedTimers(sql, { n: o.n, phoneId: PHONE_ID, channel: CHANNEL, agent: SLACK_AGENT }));
  console.log(`seeded ${o.n} tickets, ${o.n / 2} scheduled resolves and ${o.n / 2} scheduled messages in ${seeded.ms} ms`);

  const fakes = await startFakes({ slackToken: SECRETS.slackBot, graphToken: SECRETS.waToken, users: [ADMIN, SLACK_AGENT] });
  const stopFakes = track(`fake servers (${name})`, fakes.stop);
  fakes.slackThreads(CHANNEL, (await sql<{ ts: string }[]>`SELECT thread_id AS ts FROM thread_links`).map((r) => r.ts));

  // Sweep cost with every timer scheduled a day ahead: what exists, nothing due.
  const idle = await sweepCost(sql, queues.kicker);

  const env = {
    LOG_LEVEL: o.logLevel, DATABASE_URL: where.databaseUrl, REDIS_URL: services.redisUrl, PONTE_QUEUE_PREFIX: where.queuePrefix,
    PONTE_DATA_DIR: `${o.root}/.data/bench-${process.pid}`, ...platformEnv({ graph: fakes.graphUrl, slack: fakes.slackUrl }),
    ...(process.env.PONTE_WORKER_CONCURRENCY ? { PONTE_WORKER_CONCURRENCY: process.env.PONTE_WORKER_CONCURRENCY } : {}),
  };
  const worker = await startWorkerProcess(env, undefined, { tree: code.tree, name: `the Ponte worker process (${name})` });
  const stopWorker = track(`ponte worker (${name})`, worker.stop);
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const mb = worker.pid ? rssMb(worker.pid) : undefined;
    if (mb !== undefined) rss.push(mb);
  }, 250);
  const idleRss = worker.pid ? rssMb(worker.pid) : undefined;

  // The timers that stay pending are armed first, as scheduling would have armed them over time;
  // then the window's, due from now + lead (same job ids as scheduling uses, in both codes).
  await dueLater(sql, o.firing);
  const armed = await timed(async () => queues.kicker.timersAt(await dueTimers(sql, 2 * 86_400_000)));
  const start = new Date(Date.now() + o.leadSeconds * 1000);
  await dueSoon(sql, start, o.spreadSeconds * 1000, o.firing);
  await queues.kicker.timersAt(await dueTimers(sql, o.leadSeconds * 1000 + o.spreadSeconds * 1000));
  console.log(`armed ${o.n} wake-ups in ${armed.ms} ms; first due ${round((start.getTime() - Date.now()) / 1000, 1)} s from now`);
  console.log(`one sweep, ${o.n} timers a day ahead: before ${idle.beforeMs} ms (${idle.beforeArmed} re-armed), now ${idle.nowMs} ms (${idle.nowArmed})`);
  const before = await readCounters(where.databaseUrl, services.redisUrl);

  const last = start.getTime() + o.spreadSeconds * 1000;
  let fired = 0;
  for (;;) {
    await sleep(1000);
    fired = await firedCount(sql);
    if (fired >= o.firing || Date.now() > last + o.drainSeconds * 1000) break;
    if (Date.now() % 10_000 < 1000) console.log(`  fired ${fired}/${o.firing}, worker RSS ${round(rss.at(-1) ?? NaN, 0)} MB`);
  }
  clearInterval(sampler);
  // Scheduled messages' sends settle after their firing: wait for the outbox to drain (bounded).
  for (let t = 0; t < o.drainSeconds && (await outboxOpen(sql)) > 0; t++) await sleep(1000);
  const rssSummary = roundSummary(summarize(rss), 1);
  await stopWorker();
  // Counted with the worker stopped, so the work below is divided by every timer it fired.
  fired = await firedCount(sql);
  const late = await lateness(sql);
  // Counted once the worker has closed its pools (Postgres publishes a backend's stats when it ends).
  const work = perMessage(before, await readCounters(where.databaseUrl, services.redisUrl), Math.max(fired, 1));
  // With no worker taking jobs: every timer left due within the next minute, and one sweep of each.
  const dense = await denseSweepCost(sql, queues.kicker);
  console.log(`one sweep, ${dense.pending} timers due within 5–55 s (armed in ${dense.armMs} ms): before ${dense.beforeMs} ms (${dense.beforeArmed} re-armed), now ${dense.nowMs} ms (${dense.nowArmed})`);
  await stopFakes();
  await closeClients();
  return {
    name, seedMs: seeded.ms, armMs: armed.ms, sweep: { idle, dense }, fired, work,
    lateness: { close: roundSummary(late.close, 1), message: roundSummary(late.message, 1), all: roundSummary(late.all, 1), delivered: roundSummary(late.delivered, 1), worstBy10s: late.worstBy10s },
    rssMb: { idle: idleRss && round(idleRss, 1), ...rssSummary }, outcomes: late.outcomes,
  };
}

async function outboxOpen(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE state IN ('pending', 'sending')`;
  return row?.n ?? 0;
}
