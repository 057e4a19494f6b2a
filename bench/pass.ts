// One measured pass of Ponte with one agent platform (Slack or Discord): the open-loop webhook load,
// the wait until every customer text is visible on the agent side, then open-loop agent replies
// into those threads and the wait until each reached WhatsApp. The same figures for either side.
import { setTimeout as sleep } from 'node:timers/promises';
import { measuredLoad, replyTextFor, type AgentPost, type AgentSide, type FakesProcess, type LoadSpec } from './children.js';
import { cpuMillis, cpuShares, formatShares, perMessageCpu, snapshot, type CpuShares } from './cpu.js';
import { ackedTexts, analyzeE2E, analyzeLoad, analyzeReplies, parseServerMetrics, type E2EFigures, type PhaseFigures, type ReplyFigures } from './analyze.js';
import { readCounters, perMessage, type Counters } from './counters.js';
import { startProfile } from './profile.js';
import { SECRETS, rowCounts, serverMetrics, startPonteUnderTest, type WorkerPlacement } from './ponte.js';
import { DISCORD_AGENT } from './replies.js';
import type { CodeUnderTest } from './baseline.js';

export const SLACK_AGENT = 'UBENCHAGENT';
/** The CPU group of the bench's own process: Ponte (unless it runs in child processes) or the ceiling server. */
export const BENCH_PROCESS = 'bench process (ponte/ceiling)';

export interface PassOptions {
  agent: AgentSide;
  runId: string;
  /** The webhook load; its target is filled in with Ponte's address. */
  load: LoadSpec;
  databaseUrl: string; redisUrl: string; queuePrefix: string; dataDir: string;
  fakes: FakesProcess;
  /** Customer texts the agent side received, by side, keyed by text (first receipt time). */
  arrivals: Map<string, AgentPost>;
  /** WhatsApp sends carrying an agent reply, keyed by reply text. */
  sends: Map<string, number>;
  workers: WorkerPlacement;
  logLevel: string;
  drainSeconds: number;
  replies: { rate: number; seconds: number };
  profileDir?: string;
  pids(workerPid: number | undefined): [string, number | undefined][];
  /** Called once Ponte is up, so an interrupted run can stop it. */
  track(stop: () => Promise<void>): () => Promise<void>;
  /** With `--baseline`: the code this pass runs, in child processes (bench/baseline.ts). */
  code?: CodeUnderTest;
}

export interface PassResult {
  agent: AgentSide;
  /** With `--baseline`: which code ran, `current` or `baseline <sha>`. */
  code?: string;
  url: string;
  ponte: PhaseFigures;
  /** Webhook → the customer's text visible on the agent side. Absent with --workers none. */
  e2e?: E2EFigures;
  /** Agent reply → WhatsApp send. Absent with --workers none or --reply-seconds 0. */
  replies?: ReplyFigures;
  /** Acked messages (and replies) that never arrived within the drain time. */
  lost: number;
  repliesLost: number;
  /** Sessions idle in a transaction holding a lane lock once the pass was over (0 when Ponte drained). */
  stalledLanes: number;
  /** Whether Ponte stopped within 30 s. */
  stopped: boolean;
  cpu: Record<string, CpuShares | undefined>;
  /** `load`: per customer message (webhook → agent-side post); `replies`: per agent reply. */
  work: Record<string, Counters>;
  metrics: Record<string, number>;
  rows: Record<string, number>;
}

/** Waits until every key is in `has`, or the deadline; returns how many never came. */
async function drain(keys: Iterable<string>, has: (k: string) => boolean, deadline: number): Promise<number> {
  const waiting = new Set(keys);
  for (;;) {
    for (const k of waiting) if (has(k)) waiting.delete(k);
    if (waiting.size === 0 || Date.now() > deadline) break;
    await sleep(100);
  }
  await sleep(50); // the fakes report in 20 ms batches
  return waiting.size;
}

export async function runPass(o: PassOptions): Promise<PassResult> {
  const put = await startPonteUnderTest({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, queuePrefix: o.queuePrefix, dataDir: o.dataDir,
    slackUrl: o.fakes.slackUrl, graphUrl: o.fakes.graphUrl, discord: o.fakes.discord, discordAdmin: DISCORD_AGENT.id,
    logLevel: o.logLevel, workers: o.workers, profileDir: o.profileDir, agent: o.agent, code: o.code,
  });
  const stopPonte = o.track(put.stop);
  const pids = (): [string, number | undefined][] => [...o.pids(put.workerPid), ...(put.pid ? [['ponte process', put.pid] as [string, number]] : [])];
  const cpu: Record<string, CpuShares | undefined> = {};
  const work: Record<string, Counters> = {};
  const counters = () => readCounters(o.databaseUrl, o.redisUrl);

  const before = await counters();
  const stopProfile = o.profileDir && !o.code ? await startProfile() : undefined; // child processes profile themselves
  const phase = await measuredLoad({ ...o.load, target: put.url }, pids);
  if (stopProfile) console.log(`      profile of this process during the load: ${await stopProfile(`${o.profileDir}/ponte-${o.agent}-${o.workers}-${o.load.runId}.cpuprofile`)}`);
  const run = phase.run;
  cpu.load = phase.cpu;
  console.log(`      cpu: ${formatShares(cpu.load)}`);
  const ponte = analyzeLoad(run, o.load.rate);
  const acked = run.status.filter((c) => c === 200).length;
  const e2eOn = o.workers !== 'none';

  // Every acked message (warm-up too) must reach the agent side; wait for the pipeline to drain, bounded.
  const lastSend = run.sentAtMs.reduce((a, b) => Math.max(a, b), 0);
  const arrived = (t: string) => o.arrivals.get(t)?.side === o.agent;
  const lost = e2eOn ? await drain(ackedTexts(run, o.load.runId), arrived, lastSend + o.drainSeconds * 1000) : 0;
  const drained = snapshot();
  cpu.drain = cpuShares(phase.after, drained, pids()); // after the last ack, until every post arrived
  // CPU time per message over the load and the drain; the generator's over the load (it has ended since).
  const generator: [string, number | undefined] = ['generator', phase.generatorPid];
  const cpuMs: Record<string, number> = { ...cpuMillis(phase.before, drained, [generator, ...pids()]), ...cpuMillis(phase.before, phase.after, [generator]) };
  const ponteGroups = ['ponte process', 'ponte worker', ...(o.code ? [] : [BENCH_PROCESS])];
  const e2e = e2eOn ? analyzeE2E(run, o.load.runId, new Map([...o.arrivals].filter(([, p]) => p.side === o.agent).map(([t, p]) => [t, p.at]))) : undefined;
  await sleep(1500); // idle backends publish their statistics within a second
  const afterLoad = await counters();
  work.load = { ...perMessage(before, afterLoad, acked), cpuMs: perMessageCpu(cpuMs, acked, ponteGroups) };

  // Agent replies into the threads this pass opened, one per customer, round robin.
  let replies: ReplyFigures | undefined;
  let repliesLost = 0;
  const threads = [...new Set([...o.arrivals.values()].filter((p) => p.side === o.agent && p.text.startsWith(`bench ${o.load.runId} `)).map((p) => p.thread))];
  if (e2eOn && o.replies.seconds > 0 && threads.length > 0) {
    console.log(`      agent replies: ${o.replies.rate}/s for ${o.replies.seconds} s into ${threads.length} threads …`);
    const start = snapshot();
    const sent = await o.fakes.replies({
      side: o.agent, runId: o.load.runId, rate: o.replies.rate, seconds: o.replies.seconds, threads,
      ponteUrl: put.url, slackSigningSecret: SECRETS.slackSigning, slackAgent: SLACK_AGENT,
    });
    const keys = sent.sentAtMs.flatMap((at, i) => (at >= 0 ? [replyTextFor(o.load.runId, i)] : []));
    repliesLost = await drain(keys, (k) => o.sends.has(k), sent.sentAtMs.reduce((a, b) => Math.max(a, b), 0) + o.drainSeconds * 1000);
    cpu.replies = cpuShares(start, snapshot(), pids());
    replies = analyzeReplies(sent, o.load.runId, o.sends);
  }

  const metrics = parseServerMetrics(await serverMetrics(put.url).catch((err: unknown) => `# /metrics did not answer: ${String(err)}`));
  const rows = await rowCounts(o.databaseUrl);
  const stalled = rows['sessions idle in transaction holding a lane lock'] ?? 0;
  if (lost > 0 || repliesLost > 0) console.log(`      ${lost} messages and ${repliesLost} replies never arrived; outbox and lanes at the end: ${JSON.stringify(rows)}`);
  // A stalled Ponte (e.g. every pooled connection held by a lane lock) may never finish stopping.
  const stopped = await Promise.race([stopPonte().then(() => true), sleep(30_000).then(() => false)]);
  if (!stopped) console.log(`      ponte (${o.agent}) did not stop within 30 s; left running until the bench exits`);
  // Counted once Ponte has closed its pools (Postgres publishes a backend's stats when it ends).
  if (replies && stopped) work.replies = perMessage(afterLoad, await counters(), replies.expected);
  return { agent: o.agent, code: o.code?.name, url: put.url, ponte, e2e, replies, lost, repliesLost, stalledLanes: stalled, stopped, cpu, work, metrics, rows };
}
