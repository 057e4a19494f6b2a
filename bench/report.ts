// Printing the results table and writing bench/results/<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { E2EFigures, PhaseFigures } from './analyze.js';
import { fmt, round, table } from './stats.js';
import { formatShares, type CpuShares } from './cpu.js';
import type { Counters } from './counters.js';
import type { FakesSummary } from './children.js';
import type { PassResult } from './pass.js';

export interface Machine { os: string; cpuModel: string; cpus: number; memoryGiB: number; node: string }

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
  };
}

/** One pass (one agent platform), as written to the JSON file. */
export interface PassReport extends Omit<PassResult, 'url'> {
  ratios?: { ackP99: number; ackP50: number; throughput: number };
  target: { ackP99Ms: number; met: boolean };
  fakeCalls?: Record<string, number>;
  /** With `--baseline --runs N`: which round of the side this pass was. */
  run?: number;
}

/** How a pass is named in the output: its agent platform and, with `--baseline`, its code (and round). */
export const passLabel = (p: Pick<PassReport, 'agent' | 'code' | 'run'>): string => (p.code ? `${p.agent} ${p.code}${p.run ? ` #${p.run}` : ''}` : p.agent);

export interface BenchResult {
  date: string;
  machine: Machine;
  params: Record<string, unknown>;
  loadAverageBefore: number[];
  /** Machine-wide CPU busy % in the second before the run (Linux). */
  machineBusyBeforePct?: number;
  /** Wall-clock seconds the whole run took, start-up and clean-up included. */
  wallSeconds: number;
  ceiling?: PhaseFigures;
  /** CPU by process group during the ceiling phase, as a share of one CPU (100 = one core). */
  ceilingCpu?: CpuShares;
  ceilingWork?: Counters;
  /** `statements`: whether statements per message were counted (pg_stat_statements), and if not, why. */
  services: { postgres: string; redis: string; postgresSettings: Record<string, string>; statements: string };
  /** Slack first, then Discord (the ones that ran). */
  passes: PassReport[];
  fakes: { calls: Record<string, number>; specViolations: number };
  notes: string[];
}

const row = (name: string, p: PhaseFigures): string[] => [
  name,
  `${p.ok}/${p.scheduled}`,
  String(p.dropped),
  fmt(p.ack.p50, 2),
  fmt(p.ack.p90, 2),
  fmt(p.ack.p99, 2),
  fmt(p.ack.max, 2),
  fmt(p.throughput, 1),
  fmt(p.generatorLateMs.p99, 2),
];

const latencyCells = (e: E2EFigures | undefined): string[] =>
  e ? [`${e.arrived}/${e.expected}`, fmt(e.latency.p50, 0), fmt(e.latency.p90, 0), fmt(e.latency.p99, 0), fmt(e.latency.max, 0), fmt(e.postRate, 1), `${fmt(e.drainMs, 0)} ms`] : ['-', '-', '-', '-', '-', '-', '-'];

/** CPU ms per message of the named groups, `a / b / c` ('-' where not measured). */
const cpuCells = (w: Counters | undefined, groups: string[]): string => groups.map((g) => fmt(w?.cpuMs?.[g] ?? Number.NaN, 2)).join(' / ');

/** The passes side by side: one column per agent platform, the same figures in each row. */
function sideBySide(passes: PassReport[]): string {
  const col = (f: (p: PassReport) => string) => passes.map(f);
  const e = (p: PassReport) => p.e2e;
  const r = (p: PassReport) => p.replies;
  return table([
    ['', ...passes.map(passLabel)],
    ['webhook ack p50 / p99 (ms)', ...col((p) => `${fmt(p.ponte.ack.p50, 2)} / ${fmt(p.ponte.ack.p99, 2)}`)],
    ['webhook acks/s', ...col((p) => fmt(p.ponte.throughput, 1))],
    ['webhook → agent-side post p50 / p90 / p99 (ms)', ...col((p) => (e(p) ? `${fmt(e(p)!.latency.p50, 0)} / ${fmt(e(p)!.latency.p90, 0)} / ${fmt(e(p)!.latency.p99, 0)}` : '-'))],
    ['agent-side posts/s', ...col((p) => (e(p) ? fmt(e(p)!.postRate, 1) : '-'))],
    ['posts arrived; drain after last send', ...col((p) => (e(p) ? `${e(p)!.arrived}/${e(p)!.expected}; ${fmt(e(p)!.drainMs, 0)} ms` : '-'))],
    ['agent reply → WhatsApp p50 / p90 / p99 (ms)', ...col((p) => (r(p) ? `${fmt(r(p)!.latency.p50, 0)} / ${fmt(r(p)!.latency.p90, 0)} / ${fmt(r(p)!.latency.p99, 0)}` : '-'))],
    ['replies sent/s to WhatsApp; arrived', ...col((p) => (r(p) ? `${fmt(r(p)!.postRate, 1)}; ${r(p)!.arrived}/${r(p)!.expected}` : '-'))],
    ['agent reply ack p50 / p99 (ms)', ...col((p) => (r(p)?.ack ? `${fmt(r(p)!.ack!.p50, 2)} / ${fmt(r(p)!.ack!.p99, 2)}` : 'n/a (gateway)'))],
    ['postgres xacts / message', ...col((p) => fmt(p.work.load?.pg.xact_commit ?? Number.NaN, 2))],
    ['redis commands / message', ...col((p) => fmt(p.work.load?.redis.commands ?? Number.NaN, 1))],
    ['statements / message', ...col((p) => fmt(p.work.load?.pg.statements ?? Number.NaN, 1))],
    ['CPU ms / message: ponte, postgres', ...col((p) => cpuCells(p.work.load, ['ponte', 'postgres']))],
    ['CPU ms / message: redis, fakes, generator', ...col((p) => cpuCells(p.work.load, ['redis', 'fakes', 'generator']))],
  ]);
}

function printWork(label: string, w: Counters): void {
  // The headline counters here; every counter that moved is in the JSON file.
  const topIndexes = Object.entries(w.pg).filter(([k]) => k.startsWith('index ')).sort((a, b) => b[1] - a[1]).slice(0, 2);
  const pg = [...['xact_commit', 'wal_sync', 'tup_returned'].map((k): [string, number] => [k, w.pg[k] ?? 0]), ...topIndexes];
  const redis = [['commands', w.redis.commands ?? 0], ['evalsha', w.redis.evalsha ?? 0]];
  if (w.pg.statements !== undefined) pg.unshift(['statements', w.pg.statements]);
  const cpu = Object.entries(w.cpuMs ?? {}).map(([k, v]) => `${k} ${fmt(v, 2)}`);
  console.log(`work per ${label}: postgres ${pg.map(([k, v]) => `${k} ${v}`).join(', ')}; redis ${redis.map(([k, v]) => `${k} ${v}`).join(', ')}${cpu.length ? `; cpu ms ${cpu.join(', ')}` : ''}`);
  // The statements each message cost, most called first, are in the JSON file (work.*.statements).
}

export function printReport(r: BenchResult): void {
  const offered = r.passes[0]?.ponte.offeredRate ?? r.ceiling?.offeredRate;
  const rows = [['phase', 'ok/sched', 'drop', 'ack p50', 'ack p90', 'ack p99', 'ack max', 'acks/s', 'gen late p99']];
  if (r.ceiling) rows.push(row('ceiling (fastify + 1 INSERT)', r.ceiling));
  for (const p of r.passes) rows.push(row(`ponte POST /webhooks/meta (${passLabel(p)})`, p.ponte));
  console.log(`\nWebhook acknowledgement (ms, send → full response; warm-up excluded; offered ${offered}/s)`);
  console.log(table(rows));
  for (const p of r.passes) {
    if (p.ratios) console.log(`ponte (${passLabel(p)}) / ceiling: ack p99 ×${fmt(p.ratios.ackP99, 2)}, ack p50 ×${fmt(p.ratios.ackP50, 2)}, throughput ×${fmt(p.ratios.throughput, 3)}`);
  }
  const headers = ['arrived', 'p50', 'p90', 'p99', 'max', 'per s', 'drain after last send'];
  const e2eRows = r.passes.filter((p) => p.e2e).map((p) => [`${passLabel(p)}: webhook → post`, ...latencyCells(p.e2e)]);
  const replyRows = r.passes.filter((p) => p.replies).map((p) => [`${passLabel(p)}: agent reply → WhatsApp`, ...latencyCells(p.replies)]);
  if (e2eRows.length || replyRows.length) {
    console.log('\nEnd to end (ms; the fakes answer instantly, with no rate limits)');
    console.log(table([['path', ...headers], ...e2eRows, ...replyRows]));
  } else console.log('\nEnd to end: not measured (--workers none: nothing drains the inbox)');
  if (r.passes.length > 0) {
    console.log('\nSide by side (same load, same stats code, each pass on a fresh database)');
    console.log(sideBySide(r.passes));
  }
  for (const p of r.passes) {
    const name = passLabel(p);
    console.log(`\n[${name}] ack p99 by second (ms):  ${p.ponte.ackBySecond.map((x) => fmt(x.p99, 0)).join(' ')}`);
    if (p.e2e) console.log(`[${name}] e2e p50 by second (ms):  ${p.e2e.e2eBySecond.map((x) => fmt(x.p50, 0)).join(' ')}`);
    console.log(`[${name}] target: ponte ack p99 < ${p.target.ackP99Ms} ms — ${p.target.met ? 'MET' : 'MISSED'} (p99 ${fmt(p.ponte.ack.p99, 2)} ms)`);
    for (const [phase, shares] of Object.entries(p.cpu)) console.log(`[${name}] cpu during ${phase}: ${formatShares(shares)}`);
    for (const [phase, w] of Object.entries(p.work)) printWork(`${phase === 'replies' ? 'agent reply' : 'message'} (${name})`, w);
  }
  if (r.ceilingCpu) console.log(`\ncpu during ceiling: ${formatShares(r.ceilingCpu)}`);
  if (r.ceilingWork) printWork('message (ceiling)', r.ceilingWork);
  console.log(`\nwall clock: ${fmt(r.wallSeconds, 0)} s`);
  for (const n of r.notes) console.log(`note: ${n}`);
}

export function notesFor(o: { fast: boolean; cpus: number; lost: number; repliesLost: number; drainSeconds: number; dropped: number; fakes?: FakesSummary }): string[] {
  const notes = [
    'The fake Slack and the fake Discord answer every call at once, with no rate limit; real Slack allows about 1 message/s per channel and real Discord 5 messages / 5 s per channel and 5 / 2 s per webhook, so real end-to-end times under load are longer.',
    `Generator and fakes run in separate Node processes; all processes and Postgres/Redis share this machine's ${o.cpus} CPUs.`,
    `Postgres: ${o.fast ? 'fsync off (--fast)' : 'fsync on, synchronous_commit on'}; ack = send → full HTTP response, measured in the generator process.`,
  ];
  if (o.lost > 0) notes.push(`${o.lost} acked messages never reached the agent side within ${o.drainSeconds} s of the last send.`);
  if (o.repliesLost > 0) notes.push(`${o.repliesLost} agent replies never reached WhatsApp within ${o.drainSeconds} s of the last reply.`);
  if (o.dropped > 0) notes.push('Requests were dropped at the in-flight cap: the server fell behind the offered rate.');
  if (o.fakes?.specViolations) notes.push(`The fakes saw ${o.fakes.specViolations} spec violations, e.g. ${o.fakes.firstViolations.join('; ')}`);
  return notes;
}

export async function writeResult(root: string, r: BenchResult): Promise<string> {
  const dir = path.join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${r.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
