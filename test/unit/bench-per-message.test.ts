import { describe, expect, it } from 'vitest';
import { STATEMENT_CHARS, TOP_STATEMENTS, TRANSACTION_ENDS, countTransactionEnds, perMessage, topStatements } from '../../bench/counters.js';
import { cpuMillis, perMessageCpu, type CpuSnapshot } from '../../bench/cpu.js';

describe('bench: statements per message', () => {
  it('divides the calls made between two readings by the messages, most called first', () => {
    const before = { begin: 10, 'SELECT 1': 5 };
    const after = { begin: 30, 'SELECT 1': 5, 'INSERT INTO messages VALUES ($1)': 40, commit: 20 };
    expect(Object.entries(topStatements(before, after, 20))).toEqual([
      ['INSERT INTO messages VALUES ($1)', 2],
      ['begin', 1],
      ['commit', 1],
    ]);
  });

  it(`keeps the ${TOP_STATEMENTS} most called, each text at most ${STATEMENT_CHARS} characters; texts that shorten alike add up`, () => {
    const long = (tail: string) => `SELECT ${'x, '.repeat(60)}${tail}`;
    const after: Record<string, number> = { [long('a')]: 300, [long('b')]: 100 };
    for (let i = 0; i < 30; i++) after[`SELECT ${i}`] = i;
    const top = topStatements({}, after, 100);
    expect(Object.keys(top)).toHaveLength(TOP_STATEMENTS);
    const [first, second] = Object.entries(top);
    expect(first![0]).toHaveLength(STATEMENT_CHARS);
    expect(first![0].endsWith('…')).toBe(true);
    expect(first![1]).toBe(4);
    expect(second).toEqual(['SELECT 29', 0.29]);
  });

  it('per message, the statement total sits beside the other Postgres counters and the top list comes along', () => {
    const reading = (statements: Record<string, number>) => ({
      pg: { xact_commit: 0, statements: Object.values(statements).reduce((a, b) => a + b, 0) },
      redis: {},
      statements,
    });
    const w = perMessage(reading({ begin: 0 }), reading({ begin: 10, 'SELECT $1': 25 }), 10);
    expect(w.pg.statements).toBe(3.5);
    expect(w.statements).toEqual({ 'SELECT $1': 2.5, begin: 1 });
    // A server without pg_stat_statements: no statement figures at all, rather than zeros.
    expect(perMessage({ pg: {}, redis: {} }, { pg: {}, redis: {} }, 10).statements).toBeUndefined();
  });
});

describe('bench: CPU milliseconds per message', () => {
  const snap = (procs: [number, number, string, number][]): CpuSnapshot => ({
    at: 0, busy: 0, total: 0,
    procs: new Map(procs.map(([pid, ppid, comm, ticks]) => [pid, { ppid, comm, ticks }])),
  });

  it('counts each process tree’s ticks between two snapshots as milliseconds, children with their root', () => {
    const a = snap([[10, 1, 'postgres', 100], [11, 10, 'postgres', 50], [20, 1, 'node', 7]]);
    // Backend 12 started during the phase; 11's pid was reused by another command (counts from 0).
    const b = snap([[10, 1, 'postgres', 130], [11, 10, 'other', 5], [12, 10, 'postgres', 20], [20, 1, 'node', 9], [30, 1, 'node', 99]]);
    expect(cpuMillis(a, b, [['postgres', 10], ['fakes', 20]])).toEqual({ postgres: (30 + 5 + 20) * 10, fakes: 20 });
    expect(cpuMillis(undefined, b, [['postgres', 10]])).toBeUndefined();
  });

  it('adds the groups that run Ponte up to `ponte` and divides every group by the messages', () => {
    const ms = { 'ponte process': 900, 'ponte worker': 300, postgres: 1000, redis: 50, 'bench process (ponte/ceiling)': 70 };
    expect(perMessageCpu(ms, 100, ['ponte process', 'ponte worker'])).toEqual({ ponte: 12, postgres: 10, redis: 0.5, 'bench process (ponte/ceiling)': 0.7 });
    expect(perMessageCpu(ms, 0, [])).toEqual({});
  });
});

describe('bench: transaction ends', () => {
  it('counts one commit or rollback per begin, whatever pg_stat_statements says of them', () => {
    expect(countTransactionEnds({ begin: 30, 'SELECT $1': 10, commit: 1, rollback: 1 })).toEqual({ begin: 30, 'SELECT $1': 10, [TRANSACTION_ENDS]: 30 });
    expect(countTransactionEnds({ 'SELECT $1': 10 })).toEqual({ 'SELECT $1': 10 });
  });
});
