import type { Sql } from '../db/connect.js';
import { DeliveryError } from '../core/errors.js';
import type { Kicker } from '../queue/queues.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { t } from '../i18n/catalog.js';
import { explainFailure, perform, type Effect, type OperationDeps } from './operations.js';
import { CUSTOMER_SENDS, type OutboxKind, type OutboxOp } from './outbox.js';
import { backoffMs } from './backoff.js';
import { withLaneLock } from './lane-lock.js';

/** Transient trouble is retried (for about an hour) before the agent is told it failed. */
export const MAX_DISPATCH_ATTEMPTS = 25;

interface OutboxRow {
  id: string;
  lane: string;
  kind: OutboxKind;
  payload: Record<string, unknown>;
  state: 'pending' | 'sending';
  attempts: number;
  next_attempt_at: Date;
}

export interface DispatchDeps extends OperationDeps {
  sql: Sql;
  kicker: Kicker;
  metrics: Metrics;
  log: Logger;
}

/**
 * Performs a lane's outbox rows in id order. One worker holds a lane at a time (a
 * transaction-scoped advisory lock, see lane-lock.ts, freed if the process or its connection
 * dies). A row that hits transient trouble blocks its lane until its retry time, so order holds
 * (guarantee 3); a permanent failure is explained in the thread and the lane moves on
 * (guarantee 4).
 */
export async function drainLane(deps: DispatchDeps, lane: string): Promise<void> {
  // Taken by another worker: the holder re-checks after it lets go.
  if (!(await withLaneLock(deps.sql, lane, (held) => drainLocked(deps, lane, held)))) return;
  // Rows added while we held the lock were kicked at a worker that found it taken: look again.
  const head = await headOf(deps.sql, lane);
  if (head && head.next_attempt_at.getTime() <= Date.now()) await deps.kicker.dispatch([lane]);
}

async function headOf(sql: Sql, lane: string): Promise<OutboxRow | undefined> {
  const [row] = await sql<OutboxRow[]>`
    SELECT id, lane, kind, payload, state, attempts, next_attempt_at FROM outbox
    WHERE lane = ${lane} AND state IN ('pending', 'sending') ORDER BY id LIMIT 1`;
  return row;
}

async function drainLocked(deps: DispatchDeps, lane: string, held: () => boolean): Promise<void> {
  let row = await headOf(deps.sql, lane);
  // A lock lost mid-drain (its connection died) stops the drain before the next row.
  while (row && held()) row = await step(deps, lane, row);
}

/** Performs one row; returns the lane's next row to perform, or undefined to stop for now. */
async function step(deps: DispatchDeps, lane: string, row: OutboxRow): Promise<OutboxRow | undefined> {
  const op = { kind: row.kind, ...row.payload } as OutboxOp;
  if (row.next_attempt_at.getTime() > Date.now()) {
    await deps.kicker.dispatchAt(lane, row.next_attempt_at, `retry-${lane}-${row.id}-${row.attempts}`);
    return undefined;
  }
  if (row.state === 'sending' && CUSTOMER_SENDS.has(op.kind)) {
    // The last attempt died mid-flight: the customer may have it. Never risk a duplicate.
    const next = await settle(deps, row, 'uncertain', 'the previous attempt was interrupted', row.attempts);
    await wake(deps, await explainFailure(deps, op, 'delivery.uncertain', t(deps.locale, 'delivery.interrupted')));
    return next;
  }
  const attempts = row.attempts + 1;
  // Only a customer send needs its in-flight mark: it is what tells a crash apart from a retry.
  // Agent-side operations check for their own effect before repeating it.
  if (CUSTOMER_SENDS.has(op.kind)) await deps.sql`UPDATE outbox SET state = 'sending', attempts = ${attempts} WHERE id = ${row.id}`;
  try {
    const effect = await perform(deps, op);
    const next = await settle(deps, row, 'done', null, attempts, effect.link);
    await wake(deps, effect.lanes);
    return next;
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError('transient', errorText(err), { cause: err });
    if (e.uncertain && CUSTOMER_SENDS.has(op.kind)) {
      const next = await settle(deps, row, 'uncertain', e.message, attempts);
      await wake(deps, await explainFailure(deps, op, 'delivery.uncertain', e.message));
      return next;
    }
    if (e.retryable && attempts < MAX_DISPATCH_ATTEMPTS) {
      const at = new Date(Date.now() + backoffMs(attempts, e.retryAfterSeconds));
      await deps.sql`UPDATE outbox SET state = 'pending', attempts = ${attempts}, next_attempt_at = ${at}, last_error = ${e.message} WHERE id = ${row.id}`;
      deps.metrics.dispatched.inc({ kind: row.kind, result: 'retry' });
      deps.log.warn({ outboxId: row.id, lane, kind: row.kind, errorClass: e.errorClass, attempts }, 'delivery deferred');
      await deps.kicker.dispatchAt(lane, at, `retry-${lane}-${row.id}-${attempts}`);
      return undefined;
    }
    const reason = e.retryable ? t(deps.locale, 'delivery.gave_up', { attempts, reason: e.message }) : e.message;
    const next = await settle(deps, row, 'failed', reason, attempts);
    deps.log.error({ outboxId: row.id, lane, kind: row.kind, errorClass: e.errorClass }, 'delivery failed');
    // The class picks the explanation's way out (and an auth failure marks the connection).
    await wake(deps, await explainFailure(deps, op, 'delivery.failed', reason, e.errorClass));
    return next;
  }
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
    SELECT id, lane, kind, payload, state, attempts, next_attempt_at FROM outbox
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
