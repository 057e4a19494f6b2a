import type { Db, Sql } from '../db/connect.js';
import { DeliveryError } from '../core/errors.js';
import type { Kicker } from '../queue/queues.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { t } from '../i18n/catalog.js';
import { explainFailure, perform, type Effect, type OperationDeps } from './operations.js';
import { CUSTOMER_SENDS, type OutboxKind, type OutboxOp } from './outbox.js';
import { AGENT_POSTS } from './reconcile.js';
import { fileNoticeInPlace } from './failure-notice.js';
import { rateLimitDelayMs, retryDelayMs, retryPolicyFor, retryWakeId } from './retry-policy.js';
import { withLaneLock } from './lane-lock.js';
import { paceWait } from './pacing.js';
import { supersededCard } from './coalesce.js';
import { waitingCard } from './card-deferral.js';
import type { Pacer } from '../core/pacer.js';
import { contextIn, joinMessageContext, type MessageContext, type MessageContextRow } from '../messages/context.js';
import { claimMerging, postRun, recordedRun, settleRun, type MergedEffect, type MergeSettings } from './merge.js';

interface OutboxRow {
  id: string;
  lane: string;
  kind: OutboxKind;
  payload: Record<string, unknown>;
  state: 'pending' | 'sending';
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
}

export interface DispatchDeps extends OperationDeps, MergeSettings {
  sql: Sql;
  kicker: Kicker;
  metrics: Metrics;
  log: Logger;
  /** Paces agent-side posts to each channel's allowance, oldest waiting ticket first (absent: unpaced). */
  pacer?: Pacer;
}

/** The lane stopped to wait for its channel's allowance; its wake-up is armed. */
const PACED = 'paced';

/**
 * Performs a lane's outbox rows in id order. One worker holds a lane at a time (a
 * transaction-scoped advisory lock, see lane-lock.ts, freed if the process or its connection
 * dies). A row that hits transient trouble blocks its lane until its retry time, so order holds
 * (guarantee 3); a permanent failure is explained in the thread and the lane moves on
 * (guarantee 4).
 */
export async function drainLane(deps: DispatchDeps, lane: string): Promise<void> {
  for (let round = 1; ; round++) {
    let paced = false;
    // Taken by another worker: the holder re-checks after it lets go.
    if (!(await withLaneLock(deps.sql, lane, async (held, lockTx) => {
      paced = (await drainLocked(deps, lane, held, lockTx)) === PACED;
    }))) return;
    // A lane waiting for its turn comes back on its own wake-up; kicking it now would only ask again.
    if (paced) return;
    // Rows added while we held the lock were kicked at a worker that found it taken: look again.
    const head = await headOf(deps.sql, lane);
    // Behind a card update that waits for its time, the rows after it may go (card-deferral.ts).
    const next = head && waitingCard(head) ? await headOf(deps.sql, lane, head.id) : head;
    if (!next || next.next_attempt_at.getTime() > Date.now()) return;
    // Drain them here rather than through a dispatch job (a job costs ~40 Redis commands,
    // docs/performance.md); a lane that keeps filling is handed to the queue after a few rounds.
    if (round >= REDRAIN_ROUNDS) return deps.kicker.dispatch([lane]);
  }
}

/** Times drainLane takes its lane again for rows that came while it held it, before handing it to the queue. */
const REDRAIN_ROUNDS = 3;

/** The lane's first open row; with `after`, its first after that row (what goes while a card update waits, card-deferral.ts). */
async function headOf(sql: Db, lane: string, after?: string): Promise<OutboxRow | undefined> {
  const [row] = await sql<OutboxRow[]>`
    SELECT id, lane, kind, payload, state, attempts, next_attempt_at, created_at FROM outbox
    WHERE lane = ${lane} AND state IN ('pending', 'sending') ${after === undefined ? sql`` : sql`AND id > ${after}`} ORDER BY id LIMIT 1`;
  return row;
}

async function drainLocked(deps: DispatchDeps, lane: string, held: () => boolean, lockTx: Db): Promise<typeof PACED | undefined> {
  // Read on the lock's own transaction, in a statement after the lock's: it sees the lane as the
  // previous holder left it, and costs no transaction of its own.
  let row: OutboxRow | typeof PACED | undefined = await headOf(lockTx, lane);
  // A lock lost mid-drain (its connection died) stops the drain before the next row.
  while (row && row !== PACED && held()) row = await step(deps, lane, row);
  return row === PACED ? PACED : undefined;
}

/** Performs one row; returns the lane's next row to perform, or undefined (or PACED) to stop for now. */
async function step(deps: DispatchDeps, lane: string, row: OutboxRow): Promise<OutboxRow | typeof PACED | undefined> {
  const op = { kind: row.kind, ...row.payload } as OutboxOp;
  if (row.next_attempt_at.getTime() > Date.now()) {
    if (row.kind === 'card.update' && (await supersededCard(deps.sql, row))) return settle(deps, row, 'done', null, row.attempts);
    await deps.kicker.dispatchAt(lane, row.next_attempt_at, retryWakeId(lane, row.id, row.attempts, row.next_attempt_at));
    // A card update waiting for its time lets the rows after it go (card-deferral.ts).
    return row.kind === 'card.update' ? headOf(deps.sql, lane, row.id) : undefined;
  }
  // A later card update of this ticket waits in the lane and will render the latest state: the
  // platform is spared this one (the latest state wins; coalesce.ts).
  if (await supersededCard(deps.sql, row)) return settle(deps, row, 'done', null, row.attempts);
  if (row.state === 'sending' && CUSTOMER_SENDS.has(op.kind)) {
    // The last attempt died mid-flight: the customer may have it. Never risk a duplicate.
    const next = await settle(deps, row, 'uncertain', 'the previous attempt was interrupted', row.attempts);
    await wake(deps, await explainFailure(deps, op, 'delivery.uncertain', t(deps.locale, 'delivery.interrupted')));
    return next;
  }
  // The channel's allowance: wait for this ticket's turn instead of meeting a 429. Nothing is
  // written: the row stays as it is, and the sweeper would wake the lane if the wake-up were lost.
  const waitMs = await paceWait(deps, row);
  if (waitMs > 0) {
    const at = new Date(Date.now() + waitMs);
    deps.metrics.dispatched.inc({ kind: row.kind, result: 'paced' });
    // A card update told to wait keeps its place and lets the rows after it go (card-deferral.ts).
    const after = row.kind === 'card.update' ? await headOf(deps.sql, lane, row.id) : undefined;
    if (after) {
      await deps.sql`UPDATE outbox SET next_attempt_at = ${at} WHERE id = ${row.id}`;
      await deps.kicker.dispatchAt(lane, at, retryWakeId(lane, row.id, row.attempts, at));
      return after;
    }
    await deps.kicker.dispatchAt(lane, at, `pace-${lane}-${row.id}-${at.getTime()}`);
    return PACED;
  }
  const attempts = row.attempts + 1;
  // The in-flight mark tells a crash apart from a first try. A customer send so marked is never
  // repeated (above); an agent-side post so marked, or retried, looks for its earlier post first.
  // The mark is also the row's claim: it holds only if the row is still as this worker read it.
  // A worker whose lane lock died with its connection (a database restart) may be mid-step
  // while another takes the lane; only one of them gets to perform the row.
  const marks = CUSTOMER_SENDS.has(op.kind) || AGENT_POSTS.has(op.kind);
  // Customer messages waiting behind this one may go in its post: the run is decided with the claim (merge.ts).
  const merging = marks ? await claimMerging(deps, row, attempts) : undefined;
  if (merging && !merging.claimed) return undefined;
  const claim = marks && !merging ? await claimRow(deps.sql, row, attempts, { durable: CUSTOMER_SENDS.has(op.kind), messageId: messageIdOf(op) }) : {};
  if (!claim) return undefined;
  const run = merging?.run ?? recordedRun(row);
  let effect: Awaited<ReturnType<typeof perform>>;
  try {
    const attempt = { outboxId: row.id, unsure: row.state === 'sending' || row.attempts > 0, context: merging?.context ?? claim.context };
    effect = run ? await postRun(deps, run, attempt) : await perform(deps, op, attempt);
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError('transient', errorText(err), { cause: err });
    if (e.uncertain && CUSTOMER_SENDS.has(op.kind)) {
      const next = await settle(deps, row, 'uncertain', e.message, attempts);
      await wake(deps, await explainFailure(deps, op, 'delivery.uncertain', e.message));
      return next;
    }
    // A rate limit delays, never loses (guarantee 4): not an attempt, never a failure.
    if (e.errorClass === 'rate_limited') return defer(deps, row, e, row.attempts, rateLimitDelayMs(e.retryAfterSeconds));
    const policy = retryPolicyFor(row.kind);
    if (e.retryable && attempts < policy.maxAttempts) return defer(deps, row, e, attempts, retryDelayMs(policy, attempts, e.retryAfterSeconds));
    const reason = e.retryable ? t(deps.locale, 'delivery.gave_up', { attempts, reason: e.message }) : e.message;
    deps.log.error({ outboxId: row.id, lane, kind: row.kind, errorClass: e.errorClass }, 'delivery failed');
    if (op.kind === 'media.mirror') {
      // The file's notice takes the file's place in the lane, before the customer's later messages.
      deps.metrics.dispatched.inc({ kind: row.kind, result: 'failed' });
      const why = e.retryable ? t(deps.locale, 'delivery.gave_up_file', { attempts, reason: e.message }) : e.message;
      return fileNoticeInPlace(deps.sql, { rowId: row.id, messageId: op.messageId, reason: why, locale: deps.locale });
    }
    const next = await settle(deps, row, 'failed', reason, attempts);
    // The class picks the explanation's way out (and an auth failure marks the connection).
    await wake(deps, await explainFailure(deps, op, 'delivery.failed', reason, e.errorClass));
    return next;
  }
  // Performed. Bookkeeping that fails now (the database went away) is not a failed delivery: it
  // throws, and the row stays in flight, so the next attempt never repeats it (a customer send
  // turns uncertain; an agent-side post looks for itself first).
  await effect.after?.();
  const next = run ? await settleRun<OutboxRow>(deps, row, attempts, run, effect as MergedEffect) : await settle(deps, row, 'done', null, attempts, effect.link);
  await wake(deps, effect.lanes);
  return next;
}

/**
 * Marks a row in flight (`sending`, one more attempt) if it is still as `row` was read (same
 * state, same attempts); false when another worker got there first. A customer send's mark is
 * durable: a customer must never see a duplicate. An agent-side post's mark is committed without
 * waiting for the disk: it guards against a worker dying mid-post, which it does as soon as it
 * is committed (other sessions see it at once). Only a crash of Postgres itself within the
 * post's few hundred milliseconds could lose it, and then the post's own settle was lost too:
 * the retry posts without looking first. That rare window buys one fsync less per post
 * (docs/performance.md). Either way the claim is one statement, its own transaction: the
 * setting is local to it (`set_config(…, true)`), and Postgres reads it when that statement
 * commits. (It was BEGIN, SET LOCAL, UPDATE, COMMIT: four round trips per post.) Given the
 * row's message, the same statement reads the message's context for the attempt (undefined: the
 * row was not claimed).
 */
export async function claimRow(
  sql: DispatchDeps['sql'],
  row: Pick<OutboxRow, 'id' | 'state' | 'attempts'>,
  attempts: number,
  opts: { durable: boolean; messageId?: string },
): Promise<Claim | undefined> {
  // The row's message, read by the same statement (its snapshot: what the lane settled before).
  const read = opts.messageId === undefined
    ? sql`FROM claimed`
    : sql`, ctx.* FROM claimed ${joinMessageContext(sql, opts.messageId)}`;
  const [claimed] = await sql<({ id: string } & Partial<MessageContextRow>)[]>`
    WITH claimed AS (
      UPDATE outbox SET state = 'sending', attempts = ${attempts}
      FROM (SELECT set_config('synchronous_commit', ${opts.durable ? 'on' : 'off'}, true)) AS commit_mode
      WHERE id = ${row.id} AND state = ${row.state} AND attempts = ${row.attempts} RETURNING id)
    SELECT claimed.id ${read}`;
  if (!claimed) return undefined;
  return { context: contextIn(claimed) };
}

/** A row this worker claimed, with its message's context when it has one. */
export interface Claim {
  context?: MessageContext;
}

/**
 * Puts a row back to wait `ms` (the lane waits with it, keeping order), and arms its wake-up. A
 * card update keeps its place while the rows after it go (card-deferral.ts): their next is returned.
 */
async function defer(deps: DispatchDeps, row: OutboxRow, e: DeliveryError, attempts: number, ms: number): Promise<OutboxRow | undefined> {
  const at = new Date(Date.now() + ms);
  await deps.sql`UPDATE outbox SET state = 'pending', attempts = ${attempts}, next_attempt_at = ${at}, last_error = ${e.message} WHERE id = ${row.id}`;
  const limited = e.errorClass === 'rate_limited';
  deps.metrics.dispatched.inc({ kind: row.kind, result: limited ? 'rate_limited' : 'retry' });
  const fields = { outboxId: row.id, lane: row.lane, kind: row.kind, errorClass: e.errorClass, attempts, waitMs: ms };
  if (limited) deps.log.debug(fields, 'delivery waits for a rate limit');
  else deps.log.warn(fields, 'delivery deferred');
  await deps.kicker.dispatchAt(row.lane, at, retryWakeId(row.lane, row.id, attempts, at));
  return row.kind === 'card.update' ? headOf(deps.sql, row.lane, row.id) : undefined;
}

/**
 * Closes a row and, in the same statement, records what it produced (the message's platform
 * id; 'sent' for a customer send) and reads the lane's next row: one round trip per message
 * instead of three (docs/performance.md). The next row is read from the statement's snapshot,
 * so this row is excluded by id; rows added later are caught by the re-check after unlocking.
 */
async function settle(
  deps: DispatchDeps,
  row: OutboxRow,
  state: 'done' | 'failed' | 'uncertain',
  error: string | null,
  attempts: number,
  link?: Effect['link'],
): Promise<OutboxRow | undefined> {
  const [next] = await deps.sql<OutboxRow[]>`
    WITH settled AS (
      UPDATE outbox SET state = ${state}, attempts = ${attempts}, last_error = ${error}, done_at = now() WHERE id = ${row.id}),
    link AS (
      INSERT INTO message_links (message_id, platform, external_id, part)
      SELECT ${link?.messageId ?? null}::bigint, ${link?.platform ?? ''}, ${link?.externalId ?? ''}, ${link?.part ?? null}::int
      WHERE ${link !== undefined} ON CONFLICT DO NOTHING),
    sent AS (
      UPDATE messages SET delivery_status = 'sent', sent_at = now()
      WHERE id = ${link?.messageId ?? null}::bigint AND ${link?.markSent ?? false}
        AND (delivery_status IS NULL OR delivery_status IN ('queued', 'uncertain')))
    SELECT id, lane, kind, payload, state, attempts, next_attempt_at, created_at FROM outbox
    WHERE lane = ${row.lane} AND state IN ('pending', 'sending') AND id <> ${row.id} ORDER BY id LIMIT 1`;
  deps.metrics.dispatched.inc({ kind: row.kind, result: state });
  return next;
}

async function wake(deps: DispatchDeps, lanes: string[]) {
  if (lanes.length) await deps.kicker.dispatch(lanes).catch(() => {});
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The message an operation is about, if it is about one. */
function messageIdOf(op: OutboxOp): string | undefined {
  return 'messageId' in op && typeof op.messageId === 'string' ? op.messageId : undefined;
}
