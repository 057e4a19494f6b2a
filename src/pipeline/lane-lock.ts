import type { Db, Sql } from '../db/connect.js';

/** Namespace of the advisory locks that give one worker a lane at a time (any fixed number). */
const DISPATCH_LOCK = 727_003;

/**
 * Runs `work` while this process holds the lane, or returns false at once if another worker
 * holds it. The lock is transaction-scoped (`pg_try_advisory_xact_lock` in an open
 * transaction that writes nothing), so it holds behind PgBouncer in transaction mode too, and
 * it can never outlive its connection: a dead process, a killed backend or a database restart
 * frees it, and nothing is left to unlock on a dead connection.
 *
 * `work` does its writes on the pool, so that what it commits (a customer send's in-flight
 * mark) is durable whatever becomes of the lock. It is handed the lock's own transaction for
 * its first read of the lane (one transaction fewer per drain, docs/performance.md): a
 * statement after the lock statement takes its snapshot after the lock was granted, so it sees
 * the lane as the previous holder left it. It is told whether the lock still holds and must
 * stop between steps once it does not: when the lock's connection dies, this waits for `work`
 * to stop, then throws the connection's error (the job is retried and the sweeper backs it up).
 */
export async function withLaneLock(sql: Sql, lane: string, work: LaneWork): Promise<boolean> {
  const release = await slotsOf(sql).take();
  try {
    return await lockAndWork(sql, lane, work);
  } finally {
    release();
  }
}

/**
 * A holder keeps one pooled connection for its lock and needs a second for its work, so holders
 * must never fill the pool: with every connection held by a lock waiting for another, nothing
 * moves again. At most half the pool holds lanes at once (the ingest job's inline dispatch and the
 * dispatch worker together could ask for more); the rest wait for a slot, before taking anything.
 */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async take(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.free += 1;
    };
  }
}

const slots = new WeakMap<Sql, Slots>();

function slotsOf(sql: Sql): Slots {
  let s = slots.get(sql);
  if (!s) {
    s = new Slots(Math.max(1, Math.floor(Number(sql.options.max) / 2)));
    slots.set(sql, s);
  }
  return s;
}

/** What a lane's holder does: `held` says whether the lock still holds; `lockTx` is for reads only. */
export type LaneWork = (held: () => boolean, lockTx: Db) => Promise<void>;

async function lockAndWork(sql: Sql, lane: string, work: LaneWork): Promise<boolean> {
  let held = false;
  let running: Promise<void> | undefined;
  try {
    await sql.begin(async (tx) => {
      // A lane may idle in its transaction while a platform answers slowly: a server-wide
      // idle-in-transaction timeout must not take the lane from under a send.
      const [row] = await tx<{ locked: boolean }[]>`
        SELECT set_config('idle_in_transaction_session_timeout', '0', true),
          pg_try_advisory_xact_lock(${DISPATCH_LOCK}, hashtext(${lane})) AS locked`;
      if (!row?.locked) return;
      held = true;
      running = work(() => held, tx);
      await running;
    });
  } catch (err) {
    // The transaction ends early when its connection dies, while `work` may still be between
    // two steps: let it see the lock is gone and finish before anyone retries the lane.
    held = false;
    await running?.catch(() => {});
    throw err;
  }
  const ran = running !== undefined;
  held = false;
  return ran;
}

/**
 * Takes the lanes' dispatch locks for the rest of the transaction `tx`, if no worker holds them
 * (false: one is draining a lane now). While held, no row of these lanes is being performed and
 * none will start until `tx` ends: what `tx` removes from them cannot be half sent.
 */
export async function tryHoldLanes(tx: Db, lanes: readonly string[]): Promise<boolean> {
  for (const lane of lanes) {
    const [row] = await tx<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${DISPATCH_LOCK}, hashtext(${lane})) AS locked`;
    if (!row?.locked) return false;
  }
  return true;
}
