// `npm run bench -- --timers N`: N pending timers (half scheduled resolves, half scheduled
// messages) due evenly over --timers-spread seconds, fired by Ponte's worker role in its own
// process; each firing's lateness (fired − due, from the rows), the worker's RSS sampled every
// 250 ms, and the cost of one sweep, the previous code beside the current one, in the same run.
// See docs/performance.md, "Timers at scale".
import { readFileSync } from 'node:fs';
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
import { startServices } from './services.js';
import { SLACK_AGENT } from './pass.js';
import { machine } from './report.js';
import { dueLater, dueSoon, firedCount, lateness, seedTimers } from './timers-seed.js';
import { denseSweepCost, sweepCost } from './timers-sweep.js';
import { fmt, round, roundSummary, summarize, table } from './stats.js';

export interface TimerBenchOptions { n: number; firing: number; spreadSeconds: number; leadSeconds: number; fast: boolean; root: string; logLevel: string; drainSeconds: number }

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

export async function runTimerBench(o: TimerBenchOptions, track: (name: string, stop: () => Promise<unknown>) => () => Promise<unknown>): Promise<number> {
  const startedAt = Date.now();
  console.log(`Ponte timer benchmark: ${o.n} pending timers, ${o.firing} of them due over ${o.spreadSeconds} s (${o.leadSeconds} s after arming), the rest a day later`);
  const services = await startServices({ fast: o.fast, root: o.root });
  const stopServices = track('postgres/redis', services.stop);
  const sql = postgres(services.databaseUrl, { max: 4, onnotice: () => {} });
  await migrate(sql);
  const seeded = await timed(() => seedTimers(sql, { n: o.n, phoneId: PHONE_ID, channel: CHANNEL, agent: SLACK_AGENT }));
  console.log(`seeded ${o.n} tickets, ${o.n / 2} scheduled resolves and ${o.n / 2} scheduled messages in ${seeded.ms} ms`);

  const fakes = await startFakes({ slackToken: SECRETS.slackBot, graphToken: SECRETS.waToken, users: [ADMIN, SLACK_AGENT] });
  track('fake servers', fakes.stop);
  fakes.slackThreads(CHANNEL, (await sql<{ ts: string }[]>`SELECT thread_id AS ts FROM thread_links`).map((r) => r.ts));
  const redis = redisConnection(services.redisUrl);
  const queues = createQueues(redis, services.queuePrefix);

  // Sweep cost with every timer scheduled a day ahead: what exists, nothing due.
  const idle = await sweepCost(sql, queues.kicker);

  const env = {
    LOG_LEVEL: o.logLevel, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, PONTE_QUEUE_PREFIX: services.queuePrefix,
    PONTE_DATA_DIR: `${o.root}/.data/bench-${process.pid}`, ...platformEnv({ graph: fakes.graphUrl, slack: fakes.slackUrl }),
    ...(process.env.PONTE_WORKER_CONCURRENCY ? { PONTE_WORKER_CONCURRENCY: process.env.PONTE_WORKER_CONCURRENCY } : {}),
  };
  const worker = await startWorkerProcess(env);
  track('ponte worker', worker.stop);
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const mb = worker.pid ? rssMb(worker.pid) : undefined;
    if (mb !== undefined) rss.push(mb);
  }, 250);
  const idleRss = worker.pid ? rssMb(worker.pid) : undefined;

  // The timers that stay pending are armed first, as scheduling would have armed them over time;
  // then the window's, due from now + lead (same job ids as scheduling uses).
  await dueLater(sql, o.firing);
  const armed = await timed(async () => queues.kicker.timersAt(await dueTimers(sql, 2 * 86_400_000)));
  const start = new Date(Date.now() + o.leadSeconds * 1000);
  await dueSoon(sql, start, o.spreadSeconds * 1000, o.firing);
  await queues.kicker.timersAt(await dueTimers(sql, o.leadSeconds * 1000 + o.spreadSeconds * 1000));
  console.log(`armed ${o.n} wake-ups in ${armed.ms} ms; first due ${round((start.getTime() - Date.now()) / 1000, 1)} s from now`);
  console.log(`one sweep, ${o.n} timers a day ahead: before ${idle.beforeMs} ms (${idle.beforeArmed} re-armed), now ${idle.nowMs} ms (${idle.nowArmed})`);

  const last = start.getTime() + o.spreadSeconds * 1000;
  let fired = 0;
  for (;;) {
    await sleep(1000);
    fired = await firedCount(sql);
    if (fired >= o.firing || Date.now() > last + o.drainSeconds * 1000) break;
    if (Date.now() % 10_000 < 1000) console.log(`  fired ${fired}/${o.firing}, worker RSS ${fmt(rss.at(-1) ?? NaN, 0)} MB`);
  }
  clearInterval(sampler);
  const late = await lateness(sql);
  const rssSummary = roundSummary(summarize(rss), 1);
  await worker.stop();
  // With no worker taking jobs: every timer left due within the next minute, and one sweep of each.
  const dense = await denseSweepCost(sql, queues.kicker);
  console.log(`one sweep, ${dense.pending} timers due within 5–55 s (armed in ${dense.armMs} ms): before ${dense.beforeMs} ms (${dense.beforeArmed} re-armed), now ${dense.nowMs} ms (${dense.nowArmed})`);
  await fakes.stop();
  await queues.close();
  redis.disconnect();
  await sql.end({ timeout: 5 });
  await stopServices();

  const fmtS = (s: { n: number; p50: number; p90: number; p99: number; max: number }) => [String(s.n), fmt(s.p50, 0), fmt(s.p90, 0), fmt(s.p99, 0), fmt(s.max, 0)];
  console.log(`\n${table([
    ['timers', 'fired', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    ['resolves', ...fmtS(late.close)], ['messages', ...fmtS(late.message)], ['all', ...fmtS(late.all)],
    ['messages delivered', ...fmtS(late.delivered)],
  ])}
(fired: the row's firing transaction; delivered: the WhatsApp send settled, from its outbox row)`);
  console.log(`worker RSS: idle ${fmt(idleRss ?? NaN, 0)} MB, during firing p50 ${fmt(rssSummary.p50, 0)} MB, max ${fmt(rssSummary.max, 0)} MB`);
  console.log(`outcomes: ${JSON.stringify(late.outcomes)}`);
  console.log(`worst lateness per 10 s of due times (ms): ${late.worstBy10s.join(', ')}`);
  const result = {
    date: new Date().toISOString(), machine: machine(), mode: 'timers',
    params: { timers: o.n, firing: o.firing, spreadSeconds: o.spreadSeconds, leadSeconds: o.leadSeconds, fast: o.fast, sweepEveryMs: SWEEP_EVERY_MS, horizonMs: horizonFor(SWEEP_EVERY_MS) },
    seedMs: seeded.ms, armMs: armed.ms,
    sweep: { idle, dense },
    fired, lateness: { close: roundSummary(late.close, 1), message: roundSummary(late.message, 1), all: roundSummary(late.all, 1), delivered: roundSummary(late.delivered, 1), worstBy10s: late.worstBy10s },
    rssMb: { idle: idleRss && round(idleRss, 1), ...rssSummary }, outcomes: late.outcomes,
    wallSeconds: round((Date.now() - startedAt) / 1000, 1),
  };
  const file = `${o.root}/bench/results/timers-${result.date.replace(/[:.]/g, '-').slice(0, 19)}Z.json`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  const ok = fired >= o.firing && late.all.p99 < 1000 && (rssSummary.max ?? 0) < 300;
  if (!ok) console.error(`bench: ${fired < o.firing ? `${o.firing - fired} due timers never fired; ` : ''}p99 lateness ${fmt(late.all.p99, 0)} ms (aim < 1000), max RSS ${fmt(rssSummary.max, 0)} MB (aim < 300)`);
  return ok ? 0 : 1;
}
