import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export const QUEUE_NAMES = { ingest: 'ingest', dispatch: 'dispatch', sweep: 'sweep', timers: 'timers' } as const;

/**
 * Wakes the workers. Jobs only say "look at this ordering key / lane": the rows in Postgres
 * are the truth, so a lost or duplicated job costs a sweep interval, never a message.
 */
export interface Kicker {
  ingest(orderingKeys: string[]): Promise<void>;
  dispatch(lanes: string[]): Promise<void>;
  /** A lane whose head row waits for a backoff: wake it at `at`. */
  dispatchAt(lane: string, at: Date, dedupeId: string): Promise<void>;
  /** A ticket's scheduled resolve: wake at `at` (re-arming the same deadline is a no-op). */
  closeAt(ticketId: string, at: Date): Promise<void>;
  /** A scheduled message: wake at `at` (re-arming the same time is a no-op; an edited time is a new job). */
  messageAt(scheduledId: string, at: Date): Promise<void>;
  /** Many timers at once (the sweeper's re-arming), pipelined: the same job ids as one by one. */
  timersAt(wakes: TimerWake[]): Promise<void>;
}

/** A kind of timer, by the name of its job on the `timers` queue. */
export type TimerKind = 'close' | 'message' | 'inactivity' | 'menu';

/** One timer's wake-up: its row's id and its due time. */
export interface TimerWake {
  kind: TimerKind;
  id: string;
  at: Date;
}

/** What each kind's job carries; the job id is the due time's, so re-arming is a no-op. */
const TIMER_JOBS: Record<TimerKind, (id: string) => Record<string, string>> = {
  close: (ticketId) => ({ ticketId }),
  message: (scheduledId) => ({ scheduledId }),
  inactivity: (ticketId) => ({ ticketId }),
  menu: (ticketId) => ({ ticketId }),
};

/** Jobs per pipelined add: big enough to save round trips, small enough not to stall Redis. */
const ARM_CHUNK = 1000;

function timerJob(w: TimerWake) {
  return { name: w.kind, data: TIMER_JOBS[w.kind](w.id), opts: { delay: Math.max(0, w.at.getTime() - Date.now()), jobId: `${w.kind}-${w.id}-${w.at.getTime()}` } };
}

export function redisConnection(url: string): Redis {
  // BullMQ workers block on Redis; they need maxRetriesPerRequest: null.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

export interface Queues {
  ingest: Queue;
  dispatch: Queue;
  sweep: Queue;
  timers: Queue;
  kicker: Kicker;
  /** Sets `<prefix>:<name>` for `ttlMs` unless it is set: true if this call set it. */
  claim(name: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const JOB_DEFAULTS = {
  removeOnComplete: true,
  removeOnFail: 1000,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
} as const;

export function createQueues(connection: Redis, prefix: string): Queues {
  const opts = { connection, prefix, defaultJobOptions: JOB_DEFAULTS };
  const ingest = new Queue(QUEUE_NAMES.ingest, opts);
  const dispatch = new Queue(QUEUE_NAMES.dispatch, opts);
  const sweep = new Queue(QUEUE_NAMES.sweep, opts);
  const timers = new Queue(QUEUE_NAMES.timers, opts);
  const kicker: Kicker = {
    async ingest(keys) {
      const unique = [...new Set(keys)];
      // add() for the common single job: addBulk builds a pipeline, measurably dearer per call.
      if (unique.length === 1) await ingest.add('key', { key: unique[0]! });
      else if (unique.length) await ingest.addBulk(unique.map((key) => ({ name: 'key', data: { key } })));
    },
    async dispatch(lanes) {
      const unique = [...new Set(lanes)];
      if (unique.length === 1) await dispatch.add('lane', { lane: unique[0]! });
      else if (unique.length) await dispatch.addBulk(unique.map((lane) => ({ name: 'lane', data: { lane } })));
    },
    async dispatchAt(lane, at, dedupeId) {
      // A deterministic id: re-arming the same backoff twice schedules one wake-up.
      await dispatch.add('lane', { lane }, { delay: Math.max(0, at.getTime() - Date.now()), jobId: dedupeId });
    },
    async closeAt(ticketId, at) {
      const job = timerJob({ kind: 'close', id: ticketId, at });
      await timers.add(job.name, job.data, job.opts);
    },
    async messageAt(scheduledId, at) {
      const job = timerJob({ kind: 'message', id: scheduledId, at });
      await timers.add(job.name, job.data, job.opts);
    },
    async timersAt(wakes) {
      // Most wake-ups a sweep finds are armed already: a pipelined EXISTS per job (no script) finds
      // the few that are not, and only those are added. A job added in between is not doubled:
      // its id is taken, and add() leaves it as it is.
      for (let i = 0; i < wakes.length; i += ARM_CHUNK) {
        const jobs = wakes.slice(i, i + ARM_CHUNK).map(timerJob);
        const found = await connection.pipeline(jobs.map((j) => ['exists', timers.toKey(j.opts.jobId)])).exec();
        const missing = jobs.filter((_, k) => found?.[k]?.[1] !== 1);
        if (missing.length) await timers.addBulk(missing);
      }
    },
  };
  return {
    ingest,
    dispatch,
    sweep,
    timers,
    kicker,
    async claim(name, ttlMs) {
      return (await connection.set(`${prefix}:${name}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async close() {
      await Promise.all([ingest.close(), dispatch.close(), sweep.close(), timers.close()]);
    },
  };
}
