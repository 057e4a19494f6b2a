import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSweepLoop } from '../../src/queue/sweep-loop.js';
import { eventually } from '../support/harness.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('the sweeper’s clock', () => {
  it('keeps ticking when a tick fails (Redis or Postgres away), and sweeps again once it can', async () => {
    const { log, lines } = capture();
    let claims = 0;
    let sweeps = 0;
    const loop = startSweepLoop({
      everyMs: 20,
      claim: async () => {
        claims += 1;
        if (claims <= 2) throw new Error('connect ECONNREFUSED');
        return true;
      },
      sweep: async () => {
        sweeps += 1;
        if (sweeps === 1) throw new Error('the database system is shutting down');
      },
      log,
    });
    try {
      await eventually('two sweeps after the failures', () => sweeps >= 2);
    } finally {
      await loop.stop();
    }
    expect(lines.filter((l) => l.msg === 'sweep failed; trying again at the next tick')).toHaveLength(3);
  });

  it('sweeps only in the periods it claims', async () => {
    const { log } = capture();
    let claims = 0;
    let sweeps = 0;
    const loop = startSweepLoop({ everyMs: 20, claim: async () => ++claims % 2 === 0, sweep: async () => void (sweeps += 1), log });
    try {
      await eventually('a few periods', () => claims >= 6);
    } finally {
      await loop.stop();
    }
    expect(sweeps).toBe(Math.floor(claims / 2));
  });
});
