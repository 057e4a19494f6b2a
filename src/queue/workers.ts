import { Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../logger.js';
import { QUEUE_NAMES, type Queues, type TimerKind } from './queues.js';
import { startSweepLoop } from './sweep-loop.js';

export interface WorkerHandlers {
  ingest(orderingKey: string): Promise<unknown>;
  dispatch(lane: string): Promise<unknown>;
  sweep(): Promise<unknown>;
  closeTicket(ticketId: string): Promise<unknown>;
  sendScheduled(scheduledId: string): Promise<unknown>;
  inactivity(ticketId: string): Promise<unknown>;
  menuTimeout(ticketId: string): Promise<unknown>;
}

type TimerData = { ticketId?: string; scheduledId?: string };

/** Each kind of timer job (its name on the `timers` queue, queues.ts) and the handler it wakes. */
const TIMER_HANDLERS: Record<TimerKind, (h: WorkerHandlers, data: TimerData) => Promise<unknown>> = {
  close: (h, d) => h.closeTicket(d.ticketId!),
  message: (h, d) => h.sendScheduled(d.scheduledId!),
  inactivity: (h, d) => h.inactivity(d.ticketId!),
  menu: (h, d) => h.menuTimeout(d.ticketId!),
};

export interface RunningWorkers {
  /** Stops taking jobs and waits for the ones in flight (graceful shutdown). */
  close(): Promise<void>;
}

/** How often the sweeper looks for work that lost its wake-up. */
export const SWEEP_EVERY_MS = 10_000;

export async function startWorkers(
  connection: ConnectionOptions,
  prefix: string,
  queues: Queues,
  handlers: WorkerHandlers,
  log: Logger,
  opts: { concurrency?: number; sweepEveryMs?: number } = {},
): Promise<RunningWorkers> {
  const concurrency = opts.concurrency ?? 8;
  const common = { connection, prefix, concurrency };
  const workers = [
    new Worker<{ key: string }>(QUEUE_NAMES.ingest, (job) => handlers.ingest(job.data.key), common),
    new Worker<{ lane: string }>(QUEUE_NAMES.dispatch, (job) => handlers.dispatch(job.data.lane), common),
    // Each timer job is one transaction (its sends are handed on), so many due at once are taken
    // as fast as the other queues' jobs.
    new Worker<TimerData>(QUEUE_NAMES.timers, (job) => (TIMER_HANDLERS[job.name as TimerKind] ?? TIMER_HANDLERS.close)(handlers, job.data), common),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  // Earlier versions kept the sweeper's clock in Redis as a job scheduler: remove it.
  await queues.sweep.removeJobScheduler('sweeper').catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not remove the old sweep scheduler'));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const sweeper = startSweepLoop({ everyMs: opts.sweepEveryMs ?? SWEEP_EVERY_MS, claim: (ttlMs) => queues.claim('sweep-claim', ttlMs), sweep: handlers.sweep, log });
  return {
    async close() {
      await sweeper.stop();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
