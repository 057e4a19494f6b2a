// What `npm run bench -- --timers N` prints: each side's lateness, RSS and work per firing, and
// with `--baseline`, the sides in columns (the same statistics code for each).
import type { Counters } from './counters.js';
import type { SweepCost } from './timers-sweep.js';
import { fmt, table, type Summary } from './stats.js';

/** One side's figures: the current code or the baseline, one round. */
export interface TimerSide {
  name: string;
  seedMs: number;
  armMs: number;
  sweep: { idle: SweepCost; dense: SweepCost & { pending: number; armMs: number } };
  fired: number;
  lateness: { close: Summary; message: Summary; all: Summary; delivered: Summary; worstBy10s: number[] };
  rssMb: Partial<Summary> & { idle?: number };
  outcomes: Record<string, number>;
  /** Per timer fired, from the first due time until every send settled (the bench's polling included: 1 query/s). */
  work: Counters;
}

const cells = (s: Summary) => [String(s.n), fmt(s.p50, 0), fmt(s.p90, 0), fmt(s.p99, 0), fmt(s.max, 0)];

export function printTimerSide(s: TimerSide): void {
  console.log(`\n${table([
    [`timers (${s.name})`, 'fired', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    ['resolves', ...cells(s.lateness.close)], ['messages', ...cells(s.lateness.message)], ['all', ...cells(s.lateness.all)],
    ['messages delivered', ...cells(s.lateness.delivered)],
  ])}
(fired: the row's firing transaction; delivered: the WhatsApp send settled, from its outbox row)`);
  console.log(`worker RSS: idle ${fmt(s.rssMb.idle ?? NaN, 0)} MB, during firing p50 ${fmt(s.rssMb.p50 ?? NaN, 0)} MB, max ${fmt(s.rssMb.max ?? NaN, 0)} MB`);
  console.log(`work per timer fired: postgres xact_commit ${s.work.pg.xact_commit ?? 0}, wal_sync ${s.work.pg.wal_sync ?? 0}; redis commands ${s.work.redis.commands ?? 0}`);
  console.log(`outcomes: ${JSON.stringify(s.outcomes)}`);
  console.log(`worst lateness per 10 s of due times (ms): ${s.lateness.worstBy10s.join(', ')}`);
}

/** The sides in columns, the same rows for each. */
export function printTimerSides(sides: TimerSide[]): void {
  const col = (f: (s: TimerSide) => string) => sides.map(f);
  const pct = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;
  console.log('\nSide by side (the same timers, each side on a fresh database and queue prefix)');
  console.log(table([
    ['', ...sides.map((s) => s.name)],
    ['timers fired', ...col((s) => String(s.fired))],
    ['lateness, all: p50 / p99 / max (ms)', ...col((s) => pct(s.lateness.all))],
    ['lateness, resolves: p50 / p99 / max (ms)', ...col((s) => pct(s.lateness.close))],
    ['lateness, messages: p50 / p99 / max (ms)', ...col((s) => pct(s.lateness.message))],
    ['messages delivered: p50 / p99 / max (ms)', ...col((s) => pct(s.lateness.delivered))],
    ['worker RSS idle / max (MB)', ...col((s) => `${fmt(s.rssMb.idle ?? NaN, 0)} / ${fmt(s.rssMb.max ?? NaN, 0)}`)],
    ['postgres xacts / timer fired', ...col((s) => fmt(s.work.pg.xact_commit ?? 0, 2))],
    ['WAL syncs / timer fired', ...col((s) => fmt(s.work.pg.wal_sync ?? 0, 2))],
    ['redis commands / timer fired', ...col((s) => fmt(s.work.redis.commands ?? 0, 1))],
  ]));
}
