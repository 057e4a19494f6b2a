import { drainLane, type DispatchDeps } from './dispatch.js';
import { drainOrderingKey, type IngestDeps } from './ingest.js';
import type { Tx } from '../db/connect.js';
import { fireScheduledClose } from '../timers/scheduled-close.js';
import { fireScheduledMessage } from '../timers/scheduled-messages.js';
import { fireInactivity } from '../timers/inactivity.js';
import { fireMenuTimeout } from '../timers/menu-timeout.js';

/**
 * The ingest job: drain one ordering key, then perform what it queued right here, instead
 * of waking the dispatch queue — one job per inbound message instead of two (measured in
 * docs/performance.md). Lanes another worker holds are left to it; a lane that fails to
 * drain is handed to the dispatch queue, and the sweeper backs both up.
 */
export async function ingestJob(deps: IngestDeps & DispatchDeps, key: string): Promise<void> {
  const lanes = new Set<string>();
  try {
    await drainOrderingKey(deps, key, lanes);
  } finally {
    await dispatchLanes(deps, [...lanes]);
  }
}

async function dispatchLanes(deps: DispatchDeps, lanes: string[]): Promise<void> {
  await Promise.all(
    lanes.map((lane) =>
      drainLane(deps, lane).catch(async (err: unknown) => {
        deps.log.warn({ err: (err as Error).message, lane }, 'inline dispatch failed; queued for the dispatch worker');
        await deps.kicker.dispatch([lane]).catch(() => {});
      }),
    ),
  );
}

/**
 * A timer's wake-up: acts only if its row still says so (one transaction), then wakes the lanes
 * it filled. Timers hand their sends on rather than performing them: when many come due at once,
 * a timer worker that waited on Slack or Meta for each would make the next ones late
 * (docs/performance.md, "Timers at scale").
 */
async function fireTimer(deps: IngestDeps & DispatchDeps, fire: (tx: Tx) => Promise<string[]>): Promise<void> {
  await deps.kicker.dispatch(await deps.sql.begin(fire));
}

/** A scheduled resolve. */
export const closeJob = (deps: IngestDeps & DispatchDeps, ticketId: string) => fireTimer(deps, (tx) => fireScheduledClose(tx, ticketId, deps));

/** A scheduled message: queued only if still pending and due. */
export const scheduledMessageJob = (deps: IngestDeps & DispatchDeps, scheduledId: string) => fireTimer(deps, (tx) => fireScheduledMessage(tx, scheduledId, deps));

/** An inactivity step or a window close. */
export const inactivityJob = (deps: IngestDeps & DispatchDeps, ticketId: string) => fireTimer(deps, (tx) => fireInactivity(tx, ticketId, deps));

/** An unanswered department menu: the ticket is routed only if it still waits and is due. */
export const menuTimeoutJob = (deps: IngestDeps & DispatchDeps, ticketId: string) => fireTimer(deps, (tx) => fireMenuTimeout(tx, ticketId, deps));
