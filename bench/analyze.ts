// Turns a load phase's raw samples (and the fakes' arrival times) into the reported figures.
import { replyTextFor, textFor, type LoadResult, type RepliesSent } from './children.js';
import { round, roundSummary, summarize, type Summary } from './stats.js';

export interface SecondBucket { second: number; n: number; p50: number; p99: number; max: number }

export interface PhaseFigures {
  label: string;
  offeredRate: number;
  /** Measured requests only (warm-up excluded). */
  scheduled: number;
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  statusCounts: Record<string, number>;
  /** Send → response, ms, successful measured requests. */
  ack: Summary;
  /** Successful acks per second, first measured send → last measured ack. */
  throughput: number;
  /** Generator lateness against its timetable, ms (is the generator itself keeping up?). */
  generatorLateMs: Summary;
  maxOutstandingSeen: number;
  ackBySecond: SecondBucket[];
}

export interface E2EFigures {
  /** Measured messages acked 200: each should become one post on the agent side (or one WhatsApp send, for replies). */
  expected: number;
  arrived: number;
  /** Sent → the fake received the post (or send) with the same text, ms. */
  latency: Summary;
  /** Arrivals per second, first measured send → last measured arrival. */
  postRate: number;
  /** Last arrival minus last send, ms: how long the pipeline needed to drain. */
  drainMs: number;
  e2eBySecond: SecondBucket[];
}

function bySecond(origin: number, samples: { at: number; v: number }[]): SecondBucket[] {
  const buckets = new Map<number, number[]>();
  for (const s of samples) {
    const second = Math.floor((s.at - origin) / 1000);
    const list = buckets.get(second) ?? [];
    list.push(s.v);
    buckets.set(second, list);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, vs]) => {
      const s = summarize(vs);
      return { second, n: s.n, p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2) };
    });
}

// No spreading into Math.min/max: long runs would overflow the argument limit.
const minOf = (vs: number[]) => vs.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (vs: number[]) => vs.reduce((a, b) => Math.max(a, b), -Infinity);

const measured = (r: LoadResult): number[] => Array.from({ length: r.scheduled - r.warmup }, (_, i) => i + r.warmup);

export function analyzeLoad(r: LoadResult, offeredRate: number): PhaseFigures {
  const seqs = measured(r);
  const sent = seqs.filter((i) => r.sentAtMs[i]! >= 0);
  const ok = sent.filter((i) => r.status[i] === 200);
  const statusCounts: Record<string, number> = {};
  for (const i of sent) statusCounts[String(r.status[i])] = (statusCounts[String(r.status[i])] ?? 0) + 1;
  const firstSend = minOf(sent.map((i) => r.sentAtMs[i]!));
  const lastAck = maxOf(ok.map((i) => r.sentAtMs[i]! + r.ackMs[i]!));
  const windowS = (lastAck - firstSend) / 1000;
  return {
    label: r.label,
    offeredRate,
    scheduled: seqs.length,
    sent: sent.length,
    ok: ok.length,
    failed: sent.length - ok.length,
    dropped: seqs.filter((i) => r.sentAtMs[i]! < 0).length,
    statusCounts,
    ack: roundSummary(summarize(ok.map((i) => r.ackMs[i]!))),
    throughput: windowS > 0 ? round(ok.length / windowS, 1) : 0,
    generatorLateMs: roundSummary(summarize(seqs.map((i) => r.lateMs[i]!))),
    maxOutstandingSeen: r.maxOutstandingSeen,
    ackBySecond: bySecond(firstSend, ok.map((i) => ({ at: r.sentAtMs[i]!, v: r.ackMs[i]! }))),
  };
}

/** Texts of every acked message, warm-up included: the pipeline is drained when all have arrived. */
export function ackedTexts(r: LoadResult, runId: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.scheduled; i++) if (r.status[i] === 200) out.push(textFor(runId, i));
  return out;
}

export function analyzeE2E(r: LoadResult, runId: string, arrivals: ReadonlyMap<string, number>): E2EFigures {
  const ok = measured(r).filter((i) => r.status[i] === 200);
  return arrivalFigures(ok.map((i) => ({ key: textFor(runId, i), sentAt: r.sentAtMs[i]! })), arrivals);
}

export interface ReplyFigures extends E2EFigures {
  /** Slack only: the Events API POST's send → response, ms (Discord's gateway has no acknowledgement). */
  ack?: Summary;
}

/** Agent reply sent (Slack event POSTed / Discord gateway dispatch) → the fake Graph received the WhatsApp send. */
export function analyzeReplies(sent: RepliesSent, runId: string, arrivals: ReadonlyMap<string, number>): ReplyFigures {
  const seqs = sent.sentAtMs.map((_, i) => i).filter((i) => sent.sentAtMs[i]! >= 0);
  const acks = seqs.map((i) => sent.ackMs[i]!).filter((v) => v >= 0);
  return {
    ...arrivalFigures(seqs.map((i) => ({ key: replyTextFor(runId, i), sentAt: sent.sentAtMs[i]! })), arrivals),
    ...(acks.length ? { ack: roundSummary(summarize(acks)) } : {}),
  };
}

function arrivalFigures(sent: { key: string; sentAt: number }[], arrivals: ReadonlyMap<string, number>): E2EFigures {
  const samples: { at: number; v: number }[] = [];
  let lastArrival = -Infinity;
  for (const s of sent) {
    const at = arrivals.get(s.key);
    if (at === undefined) continue;
    samples.push({ at: s.sentAt, v: at - s.sentAt });
    lastArrival = Math.max(lastArrival, at);
  }
  const firstSend = minOf(sent.map((s) => s.sentAt));
  const lastSend = maxOf(sent.map((s) => s.sentAt));
  const windowS = (lastArrival - firstSend) / 1000;
  return {
    expected: sent.length,
    arrived: samples.length,
    latency: roundSummary(summarize(samples.map((s) => s.v)), 1),
    postRate: windowS > 0 ? round(samples.length / windowS, 1) : 0,
    drainMs: Number.isFinite(lastArrival) ? lastArrival - lastSend : Number.NaN,
    e2eBySecond: bySecond(firstSend, samples),
  };
}

/** Reads the figures Ponte exports about itself (prom-client text format). */
export function parseServerMetrics(text: string): Record<string, number> {
  const wanted = [
    /^ponte_webhook_ack_seconds_(bucket|sum|count)\{.*source="meta".*\}/,
    /^ponte_process_nodejs_eventloop_lag_(p50|p99|max)_seconds/,
    /^ponte_process_nodejs_gc_duration_seconds_(sum|count)/,
    /^ponte_process_cpu_(user|system)_seconds_total/,
    /^ponte_(ingested_events|dispatch)_total/,
  ];
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!wanted.some((re) => re.test(line))) continue;
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = (out[line.slice(0, at)] ?? 0) + Number(line.slice(at + 1));
  }
  return out;
}
