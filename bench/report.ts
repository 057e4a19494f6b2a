// Printing the results table and writing bench/results/<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { E2EFigures, PhaseFigures } from './analyze.js';
import { fmt, round, table } from './stats.js';
import { formatShares, type CpuShares } from './cpu.js';
import type { Counters } from './counters.js';
import type { FakesSummary } from './children.js';

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

export interface BenchResult {
  date: string;
  machine: Machine;
  params: Record<string, unknown>;
  loadAverageBefore: number[];
  /** Machine-wide CPU busy % in the second before the run (Linux). */
  machineBusyBeforePct?: number;
  /** CPU by process group per phase, as a share of one CPU (100 = one core). */
  cpu: Record<string, CpuShares | undefined>;
  /** Postgres transactions/rows and Redis commands per acked message, per phase. */
  workPerMessage: Record<string, Counters>;
  services: { postgres: string; redis: string; postgresSettings: Record<string, string> };
  ponte: PhaseFigures;
  /** Absent with --workers none. */
  e2e?: E2EFigures;
  ceiling?: PhaseFigures;
  ratios?: { ackP99: number; ackP50: number; throughput: number };
  target: { ackP99Ms: number; met: boolean };
  server: { metrics: Record<string, number>; rows: Record<string, number>; fakeSlackCalls: Record<string, number>; specViolations: number };
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

export function printReport(r: BenchResult): void {
  const rows = [['phase', 'ok/sched', 'drop', 'ack p50', 'ack p90', 'ack p99', 'ack max', 'acks/s', 'gen late p99']];
  if (r.ceiling) rows.push(row('ceiling (fastify + 1 INSERT)', r.ceiling));
  rows.push(row('ponte POST /webhooks/meta', r.ponte));
  console.log(`\nWebhook acknowledgement (ms, send → full response; warm-up excluded; offered ${r.ponte.offeredRate}/s)`);
  console.log(table(rows));
  if (r.ratios) {
    console.log(`\nponte / ceiling: ack p99 ×${fmt(r.ratios.ackP99, 2)}, ack p50 ×${fmt(r.ratios.ackP50, 2)}, throughput ×${fmt(r.ratios.throughput, 3)}`);
  }
  const e = r.e2e;
  if (e) {
    console.log(`\nWebhook → Slack chat.postMessage (ms; fake Slack answers instantly, no 1 msg/s/channel limit)`);
    console.log(table([
      ['arrived', 'p50', 'p90', 'p99', 'max', 'posts/s', 'drain after last send'],
      [`${e.arrived}/${e.expected}`, fmt(e.latency.p50, 0), fmt(e.latency.p90, 0), fmt(e.latency.p99, 0), fmt(e.latency.max, 0), fmt(e.postRate, 1), `${fmt(e.drainMs, 0)} ms`],
    ]));
  } else console.log('\nWebhook → Slack: not measured (--workers none: nothing drains the inbox)');
  console.log(`\nack p99 by second (ms):  ${r.ponte.ackBySecond.map((x) => fmt(x.p99, 0)).join(' ')}`);
  if (e) console.log(`e2e p50 by second (ms):  ${e.e2eBySecond.map((x) => fmt(x.p50, 0)).join(' ')}`);
  const met = r.target.met ? 'MET' : 'MISSED';
  console.log(`\nTarget: ponte ack p99 < ${r.target.ackP99Ms} ms at ${r.ponte.offeredRate}/s — ${met} (p99 ${fmt(r.ponte.ack.p99, 2)} ms)`);
  for (const [phase, shares] of Object.entries(r.cpu)) console.log(`cpu during ${phase}: ${formatShares(shares)}`);
  for (const [phase, w] of Object.entries(r.workPerMessage)) {
    // The headline counters here; every counter that moved is in the JSON file.
    const topIndexes = Object.entries(w.pg).filter(([k]) => k.startsWith('index ')).sort((a, b) => b[1] - a[1]).slice(0, 2);
    const pg = [...['xact_commit', 'wal_sync', 'tup_returned'].map((k): [string, number] => [k, w.pg[k] ?? 0]), ...topIndexes];
    const redis = [['commands', w.redis.commands ?? 0], ['evalsha', w.redis.evalsha ?? 0]];
    console.log(`work per message, ${phase}: postgres ${pg.map(([k, v]) => `${k} ${v}`).join(', ')}; redis ${redis.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const n of r.notes) console.log(`note: ${n}`);
}

export function notesFor(o: { fast: boolean; cpus: number; lost: number; drainSeconds: number; dropped: number; fakes?: FakesSummary }): string[] {
  const notes = [
    'The fake Slack answers every call at once, with no rate limit; real Slack allows about 1 message/s per channel, so real end-to-end times under load are longer.',
    `Generator and fakes run in separate Node processes; all processes and Postgres/Redis share this machine's ${o.cpus} CPUs.`,
    `Postgres: ${o.fast ? 'fsync off (--fast)' : 'fsync on, synchronous_commit on'}; ack = send → full HTTP response, measured in the generator process.`,
  ];
  if (o.lost > 0) notes.push(`${o.lost} acked messages never reached Slack within ${o.drainSeconds} s of the last send.`);
  if (o.dropped > 0) notes.push('Requests were dropped at the in-flight cap: the server fell behind the offered rate.');
  if (o.fakes?.specViolations) notes.push(`Fake Slack saw ${o.fakes.specViolations} spec violations, e.g. ${o.fakes.firstViolations.join('; ')}`);
  return notes;
}

export async function writeResult(root: string, r: BenchResult): Promise<string> {
  const dir = path.join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${r.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
