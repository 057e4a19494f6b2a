import type { Logger } from '../logger.js';
import { within } from '../time-limit.js';

export interface SweepLoop {
  /** Stops the timer and waits (a little) for a sweep in flight. */
  stop(): Promise<void>;
}

export interface SweepLoopOptions {
  everyMs: number;
  /**
   * Claims the coming period for this process (a Redis `SET NX PX`), so that one sweep runs
   * per period however many workers there are. A claim lost with Redis's data only means an
   * extra sweep, which is harmless.
   */
  claim(ttlMs: number): Promise<boolean>;
  sweep(): Promise<unknown>;
  log: Logger;
}

/**
 * The sweeper's clock, in every worker process. It keeps no state in Redis that Redis could
 * lose (a BullMQ job scheduler would vanish with a FLUSHALL and every timer with it): the
 * timer is this process's own. A tick that fails (Redis or Postgres away) is logged and the
 * next tick tries again; a tick that comes while the last sweep is still waiting is skipped.
 */
export function startSweepLoop(o: SweepLoopOptions): SweepLoop {
  let running: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    try {
      // A claim slightly shorter than the period: timer drift must not skip a period.
      if (!(await within(o.claim(Math.floor(o.everyMs * 0.8)), Math.max(o.everyMs, 5000), 'claiming the sweep'))) return;
      await o.sweep();
    } catch (err) {
      o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'sweep failed; trying again at the next tick');
    }
  };
  const start = () => {
    if (running) return;
    running = tick().finally(() => (running = undefined));
  };
  const timer = setInterval(start, o.everyMs);
  timer.unref();
  start(); // a fresh process looks for lost work at once
  return {
    async stop() {
      clearInterval(timer);
      // A sweep stuck on an unreachable Redis must not hold up shutdown.
      if (running) await within(running, 5000, 'the last sweep').catch(() => {});
    },
  };
}
