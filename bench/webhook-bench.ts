// `npm run bench`: WhatsApp webhook → ack latency, throughput and webhook → Slack post latency,
// against a bare fastify + INSERT ceiling on the same Postgres. See docs/performance.md.
//
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { measuredLoad, startFakes, type FakesSummary, type LoadSpec } from './children.js';
import { childNamed, cpuShares, formatShares, postmasterPid, snapshot, type CpuShares } from './cpu.js';
import { startServices } from './services.js';
import { startCeiling } from './ceiling.js';
import { ackedTexts, analyzeE2E, analyzeLoad, parseServerMetrics, type PhaseFigures } from './analyze.js';
import { machine, notesFor, printReport, writeResult, type BenchResult } from './report.js';
import { round } from './stats.js';
import { startProfile } from './profile.js';
import { readCounters, perMessage, type Counters } from './counters.js';
import { ADMIN, PHONE_ID, SECRETS, rowCounts, serverMetrics, startPonteUnderTest, type WorkerPlacement } from './ponte.js';

const USAGE = `usage: npm run bench -- [options]
  --rate N             webhooks per second, open loop (default 200)
  --seconds N          measured duration (default 20), after --warmup N seconds (default 2)
  --contacts N         distinct WhatsApp senders, each message from a random one (default 500)
  --fast               throwaway Postgres/Redis without fsync (default: durable, production-like)
  --workers MODE       inline: all roles in one process, as \`ponte start\` (default)
                       process: web role here, \`--role worker\` in a child process
                       none: web role only; isolates the ack path (no end-to-end figures)
  --no-ceiling         skip the bare fastify + INSERT ceiling phase
  --max-outstanding N  in-flight cap; sends beyond it are dropped and counted (default 2000)
  --drain-seconds N    how long to wait for Slack posts after the last send (default 60)
  --log-level L        Ponte's LOG_LEVEL (default warn)
  --profile DIR        write CPU profiles of Ponte during the load (summarise: bench/profile.ts)
DATABASE_URL / REDIS_URL: use those servers (fresh database ponte_bench_*) instead of local ones.`;
const TARGET_P99_MS = 25;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const OPTIONS = {
  rate: { type: 'string', default: '200' },
  seconds: { type: 'string', default: '20' },
  contacts: { type: 'string', default: '500' },
  warmup: { type: 'string', default: '2' },
  'max-outstanding': { type: 'string', default: '2000' },
  'drain-seconds': { type: 'string', default: '60' },
  'log-level': { type: 'string', default: 'warn' },
  fast: { type: 'boolean', default: false },
  'no-ceiling': { type: 'boolean', default: false },
  workers: { type: 'string', default: 'inline' },
  profile: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const args = (() => {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
function num(name: keyof typeof args, min: number): number {
  const v = Number(args[name]);
  if (Number.isFinite(v) && v >= min) return v;
  console.error(`--${name} must be a number ≥ ${min} (got ${String(args[name])})\n\n${USAGE}`);
  process.exit(2);
}
const params = {
  rate: num('rate', 1),
  seconds: num('seconds', 1),
  contacts: Math.floor(num('contacts', 1)),
  warmupSeconds: num('warmup', 0),
  maxOutstanding: Math.floor(num('max-outstanding', 1)),
  drainSeconds: num('drain-seconds', 1),
  fast: args.fast,
  logLevel: String(args['log-level']),
  ceiling: !args['no-ceiling'],
  /** inline: every role in one process (`ponte start`); process: web here, workers in a child;
   *  none: web role only, nothing drains the inbox (isolates the ack path; no end-to-end figures). */
  workers: String(args.workers) as WorkerPlacement,
  generator: 'separate process (bench/load.ts), node:http Agent keepAlive, open loop',
  fakes: 'separate process (bench/fakes.ts)',
};

// Everything started is stopped in reverse order, also on Ctrl-C or a failure halfway.
const stops: { name: string; fn: () => Promise<unknown> }[] = [];
function track<T extends () => Promise<unknown>>(name: string, fn: T): T {
  const entry = { name, fn };
  stops.push(entry);
  return (async () => {
    const i = stops.indexOf(entry);
    if (i >= 0) stops.splice(i, 1);
    return fn();
  }) as T;
}
async function stopAll(): Promise<void> {
  for (const s of stops.splice(0).reverse()) await s.fn().catch((err: unknown) => console.error(`cleanup: stopping ${s.name} failed:`, err));
}

if (!['inline', 'process', 'none'].includes(params.workers)) {
  console.error(`--workers must be inline, process or none\n\n${USAGE}`);
  process.exit(2);
}
const ROLE_TEXT: Record<string, string> = { inline: 'all roles in one process', process: 'web role here, worker role in a child process', none: 'web role only, no workers' };

const spec = (label: string, target: string, path: string, runId: string): LoadSpec => ({
  label, target, path, runId,
  rate: params.rate, seconds: params.seconds, warmupSeconds: params.warmupSeconds, contacts: params.contacts,
  maxOutstanding: params.maxOutstanding, timeoutMs: 30_000, appSecret: SECRETS.meta, phoneNumberId: PHONE_ID,
});

async function main(): Promise<number> {
  const runId = randomBytes(3).toString('hex');
  const m = machine();
  const loadBefore = os.loadavg().map((v) => round(v, 2));
  const idleCheck = snapshot();
  await sleep(1100);
  const busyBefore = cpuShares(idleCheck, snapshot(), [])?.machineBusyPct;
  console.log(`Ponte webhook benchmark ${runId}: ${m.cpus}× ${m.cpuModel}, ${m.os}, Node ${m.node}`);
  if ((busyBefore ?? 0) > 15) console.log(`warning: the machine is not idle (${busyBefore}% busy over the last second); other work competes for the CPUs`);
  console.log(`params: ${params.rate}/s open loop for ${params.seconds} s (+${params.warmupSeconds} s warm-up), ${params.contacts} contacts, max ${params.maxOutstanding} in flight`);

  const services = await startServices({ fast: params.fast, root: ROOT });
  const stopServices = track('postgres/redis', services.stop);
  console.log(`postgres: ${services.postgres}; ${Object.entries(services.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`redis: ${services.redis}`);
  if (params.fast) console.log('mode: --fast (no fsync): NOT production-like durability');
  else console.log('mode: durable (fsync on): production-like durability; pass --fast for throwaway-speed servers');

  const fakes = await startFakes({ slackToken: SECRETS.slackBot, graphToken: SECRETS.waToken, users: [ADMIN] });
  const stopFakes = track('fake servers', fakes.stop);
  const arrivals = new Map<string, number>();
  fakes.onPosts((posts) => {
    for (const p of posts) if (!arrivals.has(p.text)) arrivals.set(p.text, p.at);
  });

  const first = snapshot();
  const placed: { workerPid?: number } = {};
  const pids = (): [string, number | undefined][] => [
    ['fakes', fakes.pid],
    ['ponte worker', placed.workerPid],
    ['redis', childNamed(first, process.pid, 'redis-server')],
    ['postgres', services.pgData ? postmasterPid(services.pgData) : undefined],
    ['bench process (ponte/ceiling)', process.pid],
  ];
  const cpu: Record<string, CpuShares | undefined> = {};
  const work: Record<string, Counters> = {};

  let ceiling: PhaseFigures | undefined;
  if (params.ceiling) {
    const server = await startCeiling(services.databaseUrl);
    const stopCeiling = track('ceiling server', server.stop);
    console.log(`\n[1/2] ceiling: ${server.url}${server.path} …`);
    const before = await readCounters(services.databaseUrl, services.redisUrl);
    const phase = await measuredLoad(spec('ceiling', server.url, server.path, `${runId}c`), pids);
    ceiling = analyzeLoad(phase.run, params.rate);
    cpu.ceiling = phase.cpu;
    console.log(`      cpu: ${formatShares(phase.cpu)}`);
    await stopCeiling();
    work.ceiling = perMessage(before, await readCounters(services.databaseUrl, services.redisUrl), phase.run.status.filter((c) => c === 200).length);
  }

  const put = await startPonteUnderTest({
    ...services, dataDir: `${ROOT}/.data/bench-${process.pid}`, slackUrl: fakes.slackUrl, graphUrl: fakes.graphUrl,
    logLevel: params.logLevel, workers: params.workers, profileDir: args.profile,
  });
  placed.workerPid = put.workerPid;
  const stopPonte = track('ponte', put.stop);
  console.log(`[${params.ceiling ? 2 : 1}/${params.ceiling ? 2 : 1}] ponte (${ROLE_TEXT[params.workers]}): ${put.url}/webhooks/meta …`);
  const before = await readCounters(services.databaseUrl, services.redisUrl);
  const stopProfile = args.profile ? await startProfile() : undefined;
  const phase = await measuredLoad(spec('ponte', put.url, '/webhooks/meta', runId), pids);
  if (stopProfile) console.log(`      profile of this process during the load: ${await stopProfile(`${args.profile}/ponte-${params.workers}-${runId}.cpuprofile`)}`);
  const ponteRun = phase.run;
  cpu.ponte = phase.cpu;
  console.log(`      cpu: ${formatShares(phase.cpu)}`);
  const ponteFigures = analyzeLoad(ponteRun, params.rate);

  // Every acked message (warm-up too) must reach Slack; wait for the pipeline to drain, bounded.
  const lastSend = ponteRun.sentAtMs.reduce((a, b) => Math.max(a, b), 0);
  const waiting = new Set(params.workers === 'none' ? [] : ackedTexts(ponteRun, runId));
  const deadline = lastSend + params.drainSeconds * 1000;
  for (;;) {
    for (const t of waiting) if (arrivals.has(t)) waiting.delete(t);
    if (waiting.size === 0 || Date.now() > deadline) break;
    await sleep(100);
  }
  await sleep(50); // the fakes report in 20 ms batches
  cpu.drain = cpuShares(phase.after, snapshot(), pids()); // after the last ack, until every post arrived
  const e2e = params.workers === 'none' ? undefined : analyzeE2E(ponteRun, runId, arrivals);
  const metrics = parseServerMetrics(await serverMetrics(put.url));
  const rows = await rowCounts(put.ponte);
  await stopPonte();
  // Counted once Ponte has closed its pools (Postgres publishes a backend's stats when it ends).
  work.ponte = perMessage(before, await readCounters(services.databaseUrl, services.redisUrl), ponteRun.status.filter((c) => c === 200).length);
  const fakeSummary: FakesSummary | undefined = await stopFakes();
  await stopServices();

  const notes = notesFor({ fast: params.fast, cpus: m.cpus, lost: waiting.size, drainSeconds: params.drainSeconds, dropped: ponteFigures.dropped + (ceiling?.dropped ?? 0), fakes: fakeSummary });
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: m,
    params,
    loadAverageBefore: loadBefore,
    machineBusyBeforePct: busyBefore,
    cpu,
    workPerMessage: work,
    services: { postgres: services.postgres, redis: services.redis, postgresSettings: services.settings },
    ponte: ponteFigures,
    e2e,
    ceiling,
    ratios: ceiling ? {
      ackP99: round(ponteFigures.ack.p99 / ceiling.ack.p99, 2),
      ackP50: round(ponteFigures.ack.p50 / ceiling.ack.p50, 2),
      throughput: round(ponteFigures.throughput / ceiling.throughput, 3),
    } : undefined,
    target: { ackP99Ms: TARGET_P99_MS, met: ponteFigures.ack.p99 < TARGET_P99_MS && ponteFigures.dropped === 0 },
    server: { metrics, rows, fakeSlackCalls: fakeSummary?.calls ?? {}, specViolations: fakeSummary?.specViolations ?? 0 },
    notes,
  };
  printReport(result);
  console.log(`\nresults written to ${await writeResult(ROOT, result)}`);
  const healthy = ponteFigures.failed === 0 && waiting.size === 0 && (ceiling?.failed ?? 0) === 0;
  if (!healthy) console.error('bench: some requests failed or some messages never reached Slack (see above)');
  return healthy ? 0 : 1;
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('\ninterrupted: cleaning up …');
  void stopAll().finally(() => process.exit(130));
});

main().then(
  async (code) => {
    await stopAll();
    if (!interrupted) process.exit(code);
  },
  async (err: unknown) => {
    console.error('bench failed:', err);
    await stopAll();
    if (!interrupted) process.exit(1);
  },
);
