// `npm run bench`: WhatsApp webhook → ack latency, throughput, webhook → agent-side post latency
// and agent reply → WhatsApp latency, with Slack and then with Discord as the agent platform (each
// pass on a fresh database), against a bare fastify + INSERT ceiling on the same Postgres.
// See docs/performance.md.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { measuredLoad, startFakes, type AgentPost, type AgentSide, type FakesSummary, type LoadSpec } from './children.js';
import { childNamed, cpuMillis, cpuShares, formatShares, perMessageCpu, postmasterPid, snapshot, type CpuShares } from './cpu.js';
import { startServices } from './services.js';
import { startCeiling } from './ceiling.js';
import { analyzeLoad, type PhaseFigures } from './analyze.js';
import { machine, notesFor, printReport, writeResult, type BenchResult, type PassReport } from './report.js';
import { round } from './stats.js';
import { readCounters, perMessage, type Counters } from './counters.js';
import { ADMIN, PHONE_ID, SECRETS, type WorkerPlacement } from './ponte.js';
import { BENCH_PROCESS, runPass, SLACK_AGENT } from './pass.js';
import { runLimitsBench } from './limits-bench.js';
import { runTimerBench } from './timers.js';
import { prepareBaseline, sidesOf } from './baseline.js';

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
  --agent SIDE         the agent platform(s) measured: slack, discord or both (default both: Slack, then Discord)
  --reply-rate N       agent replies per second after the customer load, open loop (default 50)
  --reply-seconds N    how long agent replies are sent (default 10; 0 skips them)
  --drain-seconds N    how long to wait for posts (or WhatsApp sends) after the last send (default 60)
  --log-level L        Ponte's LOG_LEVEL (default warn)
  --profile DIR        write CPU profiles of Ponte during the load (summarise: bench/profile.ts)
  --limits real        instead: the platforms' real rate limits, scenarios with pacing off and on (bench/limits-bench.ts)
  --runs N             with --limits: runs of each scenario and setting; with --baseline: rounds (default 1)
  --baseline REF       also measure the code at git REF (e.g. 8c2e9ca) in the same run, alternating with
                       the current code, each side in child processes on a fresh database (also with --timers)
  --timers N           instead: N timers (half resolves, half messages) fired by a worker process;
                       lateness, RSS and sweep cost. --timers-firing F of them come due over --timers-spread S
                       seconds (default: all, 60 s), --timers-lead S after arming (default 20); the rest a day later
  --scenario WORD      with --limits: only the scenarios whose name contains WORD (quiet, burst, replies, transfer, cards)
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
  agent: { type: 'string', default: 'both' },
  'reply-rate': { type: 'string', default: '50' },
  'reply-seconds': { type: 'string', default: '10' },
  'log-level': { type: 'string', default: 'warn' },
  fast: { type: 'boolean', default: false },
  'no-ceiling': { type: 'boolean', default: false },
  workers: { type: 'string', default: 'inline' },
  profile: { type: 'string' },
  limits: { type: 'string' },
  runs: { type: 'string', default: '1' },
  timers: { type: 'string' },
  'timers-spread': { type: 'string', default: '60' },
  'timers-firing': { type: 'string' },
  'timers-lead': { type: 'string', default: '20' },
  scenario: { type: 'string' },
  baseline: { type: 'string' },
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
  agents: (args.agent === 'both' ? ['slack', 'discord'] : [String(args.agent)]) as AgentSide[],
  replyRate: num('reply-rate', 1),
  replySeconds: num('reply-seconds', 0),
  fast: args.fast,
  logLevel: String(args['log-level']),
  ceiling: !args['no-ceiling'],
  /** inline: every role in one process (`ponte start`); process: web here, workers in a child;
   *  none: web role only, nothing drains the inbox (isolates the ack path; no end-to-end figures). */
  workers: String(args.workers) as WorkerPlacement,
  generator: 'separate process (bench/load.ts), node:http Agent keepAlive, open loop',
  fakes: 'separate process (bench/fakes.ts); it also sends the agent replies',
  runs: Math.floor(num('runs', 1)),
  baseline: args.baseline,
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
if (!params.agents.every((a) => a === 'slack' || a === 'discord')) {
  console.error(`--agent must be slack, discord or both\n\n${USAGE}`);
  process.exit(2);
}
const ROLE_TEXT: Record<string, string> = { inline: 'all roles in one process', process: 'web role here, worker role in a child process', none: 'web role only, no workers' };

const spec = (label: string, target: string, path: string, runId: string): LoadSpec => ({
  label, target, path, runId,
  rate: params.rate, seconds: params.seconds, warmupSeconds: params.warmupSeconds, contacts: params.contacts,
  maxOutstanding: params.maxOutstanding, timeoutMs: 30_000, appSecret: SECRETS.meta, phoneNumberId: PHONE_ID,
});

async function main(): Promise<number> {
  const startedAt = Date.now();
  const runId = randomBytes(3).toString('hex');
  const m = machine();
  const loadBefore = os.loadavg().map((v) => round(v, 2));
  const idleCheck = snapshot();
  await sleep(1100);
  const busyBefore = cpuShares(idleCheck, snapshot(), [])?.machineBusyPct;
  console.log(`Ponte webhook benchmark ${runId}: ${m.cpus}× ${m.cpuModel}, ${m.os}, Node ${m.node}`);
  if ((busyBefore ?? 0) > 15) console.log(`warning: the machine is not idle (${busyBefore}% busy over the last second); other work competes for the CPUs`);
  console.log(`params: ${params.rate}/s open loop for ${params.seconds} s (+${params.warmupSeconds} s warm-up), ${params.contacts} contacts, max ${params.maxOutstanding} in flight; agent side: ${params.agents.join(', then ')}; replies ${params.replySeconds > 0 ? `${params.replyRate}/s for ${params.replySeconds} s` : 'off'}`);

  const baseline = args.baseline ? await prepareBaseline(ROOT, args.baseline) : undefined;
  if (baseline) {
    track('baseline tree', baseline.remove);
    console.log(`baseline: ${args.baseline} = ${baseline.sha}, extracted to ${baseline.tree}; both sides run in child processes, ${params.runs} round(s) of current then baseline`);
  }
  const services = await startServices({ fast: params.fast, root: ROOT });
  const stopServices = track('postgres/redis', services.stop);
  console.log(`postgres: ${services.postgres}; ${Object.entries(services.settings).map(([k, v]) => `${k}=${v}`).join(' ')}; statements ${services.statements}`);
  console.log(`redis: ${services.redis}`);
  if (params.fast) console.log('mode: --fast (no fsync): NOT production-like durability');
  else console.log('mode: durable (fsync on): production-like durability; pass --fast for throwaway-speed servers');

  const wantDiscord = params.agents.includes('discord');
  const fakes = await startFakes({ slackToken: SECRETS.slackBot, graphToken: SECRETS.waToken, users: [ADMIN, SLACK_AGENT], ...(wantDiscord ? { discord: { token: 'bench-discord-bot-token' } } : {}) });
  const stopFakes = track('fake servers', fakes.stop);
  const arrivals = new Map<string, AgentPost>();
  fakes.onPosts((posts) => {
    for (const p of posts) if (!arrivals.has(p.text)) arrivals.set(p.text, p);
  });
  const sends = new Map<string, number>();
  fakes.onSends((list) => {
    for (const s of list) if (!sends.has(s.key)) sends.set(s.key, s.at);
  });

  const first = snapshot();
  const pids = (workerPid: number | undefined): [string, number | undefined][] => [
    ['fakes', fakes.pid],
    ['ponte worker', workerPid],
    ['redis', childNamed(first, process.pid, 'redis-server')],
    ['postgres', services.pgData ? postmasterPid(services.pgData) : undefined],
    [BENCH_PROCESS, process.pid],
  ];
  const sides = baseline ? sidesOf(ROOT, baseline) : [undefined];
  const steps = params.agents.length * params.runs * sides.length + (params.ceiling ? 1 : 0);

  let ceiling: PhaseFigures | undefined;
  let ceilingWork: Counters | undefined;
  let ceilingCpu: CpuShares | undefined;
  if (params.ceiling) {
    const server = await startCeiling(services.databaseUrl);
    const stopCeiling = track('ceiling server', server.stop);
    console.log(`\n[1/${steps}] ceiling: ${server.url}${server.path} …`);
    const before = await readCounters(services.databaseUrl, services.redisUrl);
    const phase = await measuredLoad(spec('ceiling', server.url, server.path, `${runId}c`), () => pids(undefined));
    ceiling = analyzeLoad(phase.run, params.rate);
    ceilingCpu = phase.cpu;
    console.log(`      cpu: ${formatShares(phase.cpu)}`);
    await stopCeiling();
    const acked = phase.run.status.filter((c) => c === 200).length;
    const cpuMs = perMessageCpu(cpuMillis(phase.before, phase.after, [['generator', phase.generatorPid], ...pids(undefined)]) ?? {}, acked, []);
    ceilingWork = { ...perMessage(before, await readCounters(services.databaseUrl, services.redisUrl), acked), cpuMs };
  }

  // With --baseline: rounds of (current, baseline) per agent, each pass on a fresh database.
  const plan = params.agents.flatMap((agent) => Array.from({ length: params.runs }, (_, run) => sides.map((code) => ({ agent, run: run + 1, code })))).flat();
  const passes: PassReport[] = [];
  for (const [i, { agent, run, code }] of plan.entries()) {
    // The first pass uses the run's database; a later one gets a fresh database and queue prefix.
    const where = i === 0 ? { databaseUrl: services.databaseUrl, queuePrefix: services.queuePrefix } : await services.freshPass(`${agent}${i}`);
    const passRunId = i === 0 ? runId : `${runId}${agent[0]}${i}`;
    const what = code ? `${code.name}${params.runs > 1 ? ` #${run}` : ''}, child process` : ROLE_TEXT[params.workers];
    console.log(`\n[${steps - plan.length + i + 1}/${steps}] ponte with ${agent} (${what}): POST /webhooks/meta …`);
    const result = await runPass({
      agent, runId: passRunId, load: spec(`ponte-${agent}`, '', '/webhooks/meta', passRunId),
      ...where, redisUrl: services.redisUrl, dataDir: `${ROOT}/.data/bench-${process.pid}`,
      fakes, arrivals, sends, workers: params.workers, logLevel: params.logLevel, drainSeconds: params.drainSeconds,
      replies: { rate: params.replyRate, seconds: params.replySeconds }, profileDir: args.profile, pids, code,
      track: (stop) => track(`ponte (${agent})`, stop),
    });
    const { url: _url, ...figures } = result;
    const p = figures.ponte;
    passes.push({
      ...figures,
      run: code && params.runs > 1 ? run : undefined,
      ratios: ceiling ? { ackP99: round(p.ack.p99 / ceiling.ack.p99, 2), ackP50: round(p.ack.p50 / ceiling.ack.p50, 2), throughput: round(p.throughput / ceiling.throughput, 3) } : undefined,
      target: { ackP99Ms: TARGET_P99_MS, met: p.ack.p99 < TARGET_P99_MS && p.dropped === 0 },
    });
  }
  const fakeSummary: FakesSummary | undefined = await stopFakes();
  await stopServices();

  const lost = passes.reduce((n, p) => n + p.lost, 0);
  const repliesLost = passes.reduce((n, p) => n + p.repliesLost, 0);
  const dropped = passes.reduce((n, p) => n + p.ponte.dropped, 0) + (ceiling?.dropped ?? 0);
  const notes = notesFor({ fast: params.fast, cpus: m.cpus, lost, repliesLost, drainSeconds: params.drainSeconds, dropped, fakes: fakeSummary });
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: m,
    params,
    loadAverageBefore: loadBefore,
    machineBusyBeforePct: busyBefore,
    wallSeconds: round((Date.now() - startedAt) / 1000, 1),
    ceiling,
    ceilingCpu,
    ceilingWork,
    services: { postgres: services.postgres, redis: services.redis, postgresSettings: services.settings, statements: services.statements },
    passes,
    fakes: { calls: fakeSummary?.calls ?? {}, specViolations: fakeSummary?.specViolations ?? 0 },
    notes,
  };
  printReport(result);
  console.log(`\nresults written to ${await writeResult(ROOT, result)}`);
  const healthy = passes.every((p) => p.ponte.failed === 0) && lost === 0 && repliesLost === 0 && (ceiling?.failed ?? 0) === 0 && !fakeSummary?.specViolations;
  if (!healthy) console.error('bench: some requests failed, some messages or replies never arrived, or the fakes saw spec violations (see above)');
  return healthy ? 0 : 1;
}

if (args.limits !== undefined && args.limits !== 'real') {
  console.error(`--limits takes only "real"\n\n${USAGE}`);
  process.exit(2);
}
if (args.limits !== undefined && args.baseline !== undefined) {
  console.error(`--baseline works with the unthrottled bench and --timers, not --limits (it compares pacing off and on)\n\n${USAGE}`);
  process.exit(2);
}
const run = args.limits === 'real'
  ? () => runLimitsBench({ agents: params.agents, root: ROOT, fast: params.fast, logLevel: params.logLevel, runs: params.runs, only: args.scenario, drainSeconds: Math.max(params.drainSeconds, 120), track })
  : args.timers
    ? () => runTimerBench({ n: Math.floor(num('timers', 2) / 2) * 2, firing: args['timers-firing'] ? Math.min(num('timers-firing', 1), num('timers', 2)) : num('timers', 2), spreadSeconds: num('timers-spread', 1), leadSeconds: num('timers-lead', 5), fast: params.fast, root: ROOT, logLevel: params.logLevel, drainSeconds: params.drainSeconds, baseline: args.baseline, runs: params.runs }, track)
    : main;

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('\ninterrupted: cleaning up …');
  void stopAll().finally(() => process.exit(130));
});

run().then(
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
