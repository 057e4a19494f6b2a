import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { InProcessLine } from '../../src/queue/in-process-line.js';

/** A line whose drains finish when the test says so. */
function lineUnderTest(o: { concurrency?: number; maxWaiting?: number; failing?: Set<string> } = {}) {
  const started: string[] = [];
  const handedOff: string[] = [];
  const finishers = new Map<string, (() => void)[]>();
  const line = new InProcessLine({
    what: 'ingest',
    concurrency: o.concurrency ?? 2,
    maxWaiting: o.maxWaiting ?? 100,
    log: pino({ level: 'silent' }),
    handOff: async (keys) => void handedOff.push(...keys),
    run: (key) => {
      started.push(key);
      return new Promise<void>((resolve, reject) => {
        const list = finishers.get(key) ?? [];
        list.push(() => (o.failing?.has(key) ? reject(new Error('database went away')) : resolve()));
        finishers.set(key, list);
      });
    },
  });
  const finish = async (key: string) => {
    finishers.get(key)?.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { line, started, handedOff, finish };
}

describe('the in-process ingest line', () => {
  it('drains at most `concurrency` keys at once, the others in the order they were woken', async () => {
    const t = lineUnderTest({ concurrency: 2 });
    await t.line.wake(['a', 'b', 'c', 'd']);
    expect(t.started).toEqual(['a', 'b']);
    await t.finish('b');
    expect(t.started).toEqual(['a', 'b', 'c']);
    await t.finish('a');
    expect(t.started).toEqual(['a', 'b', 'c', 'd']);
    expect(t.handedOff).toEqual([]);
  });

  it('drains a key woken again while it waits only once', async () => {
    const t = lineUnderTest({ concurrency: 1 });
    await t.line.wake(['a', 'b']);
    await t.line.wake(['b', 'b']);
    await t.finish('a');
    await t.finish('b');
    expect(t.started).toEqual(['a', 'b']);
  });

  it('drains a key once more when it is woken while being drained (its event may have come after the last read)', async () => {
    const t = lineUnderTest({ concurrency: 4 });
    await t.line.wake(['a']);
    await t.line.wake(['a']);
    await t.line.wake(['a']);
    expect(t.started).toEqual(['a']);
    await t.finish('a');
    expect(t.started).toEqual(['a', 'a']);
    await t.finish('a');
    expect(t.started).toEqual(['a', 'a']);
  });

  it('hands keys beyond maxWaiting to the shared queue', async () => {
    const t = lineUnderTest({ concurrency: 1, maxWaiting: 2 });
    await t.line.wake(['a', 'b', 'c', 'd', 'e']);
    expect(t.started).toEqual(['a']);
    expect(t.handedOff).toEqual(['d', 'e']);
  });

  it('hands a key whose drain failed to the shared queue, which retries it', async () => {
    const t = lineUnderTest({ concurrency: 1, failing: new Set(['a']) });
    await t.line.wake(['a', 'b']);
    await t.finish('a');
    expect(t.handedOff).toEqual(['a']);
    expect(t.started).toEqual(['a', 'b']);
  });

  it('at shutdown hands what waits to the shared queue, lets the drains in progress finish, and takes nothing more', async () => {
    const t = lineUnderTest({ concurrency: 1 });
    await t.line.wake(['a', 'b', 'c']);
    await t.line.wake(['a']);
    let closed = false;
    const closing = t.line.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    expect(t.handedOff).toEqual(['b', 'c']);
    await t.finish('a');
    await closing;
    expect(t.started).toEqual(['a']);
    expect(t.handedOff).toEqual(['b', 'c', 'a']);
    await t.line.wake(['d']);
    expect(t.handedOff).toEqual(['b', 'c', 'a', 'd']);
    expect(t.started).toEqual(['a']);
  });
});
