import type { Logger } from '../logger.js';

export interface InProcessLineOptions {
  /** What the keys are, for the log ('ingest', 'dispatch'). */
  what: string;
  /** Keys drained at once (PONTE_WORKER_CONCURRENCY, as for the shared queue's workers). */
  concurrency: number;
  /** Keys waiting here beyond this go to the shared queue instead, where every worker process can take them. */
  maxWaiting: number;
  /** Drains one key (a conversation's inbound events, a lane's outbox rows). */
  run(key: string): Promise<void>;
  /** The shared queue (BullMQ): what overflows, what fails here (it retries with backoff), what is left at shutdown. */
  handOff(keys: string[]): Promise<void>;
  log: Logger;
}

/**
 * Wakes work this process can do itself without going through Redis: the ingest of a webhook's
 * conversation when the process that takes the webhook also runs the workers (`ponte start`), and
 * the lanes a worker's own jobs filled (a fired timer's sends, a card update after a post). A
 * BullMQ job costs about 35–40 Redis commands (add, take, finish), most of all the Redis work per
 * message (docs/performance.md); here a wake-up costs none. Nothing durable moves: the rows are
 * committed before their key is woken, a drain takes its own lock in Postgres (so order holds
 * across processes), and a wake-up lost with the process is found by the sweeper, as a lost job is.
 *
 * A key is drained by one slot at a time: a wake-up for a key being drained is remembered and the
 * key drained once more after (its event may have committed after the drain's last read). A key
 * already waiting is not added twice. Beyond `maxWaiting`, failures and at shutdown, keys go to
 * the shared queue.
 */
export class InProcessLine {
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly drains = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: InProcessLineOptions) {}

  async wake(keys: readonly string[]): Promise<void> {
    const overflow: string[] = [];
    for (const key of new Set(keys)) {
      if (this.closed) overflow.push(key);
      else if (this.running.has(key)) this.again.add(key);
      else if (this.waiting.has(key)) continue;
      else if (this.waiting.size >= this.opts.maxWaiting) overflow.push(key);
      else {
        this.waiting.add(key);
        this.pump();
      }
    }
    if (overflow.length) await this.opts.handOff(overflow);
  }

  /** Takes no more keys, hands those still waiting to the shared queue and waits for the drains in progress. */
  async close(): Promise<void> {
    this.closed = true;
    const left = [...this.waiting];
    this.waiting.clear();
    if (left.length) await this.opts.handOff(left).catch((err: unknown) => this.opts.log.warn({ err: (err as Error).message, keys: left.length }, 'could not hand waiting keys to the queue; the sweeper will find them'));
    while (this.drains.size) await Promise.allSettled([...this.drains]);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.waiting.size) {
      const key = this.waiting.values().next().value as string;
      this.waiting.delete(key);
      this.running.add(key);
      const drain = this.drain(key);
      this.drains.add(drain);
      void drain.finally(() => this.drains.delete(drain));
    }
  }

  private async drain(key: string): Promise<void> {
    try {
      await this.opts.run(key);
    } catch (err) {
      // The shared queue retries with backoff, and counts the attempts (ingest parks a row that keeps failing).
      this.opts.log.warn({ err: (err as Error).message, what: this.opts.what }, 'in-process drain failed; handed to the queue');
      this.again.delete(key);
      await this.opts.handOff([key]).catch(() => {});
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) {
        if (this.closed) await this.opts.handOff([key]).catch(() => {});
        else this.waiting.add(key);
      }
      this.pump();
    }
  }
}
