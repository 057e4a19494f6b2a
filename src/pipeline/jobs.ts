import { drainLane, type DispatchDeps } from './dispatch.js';
import { drainOrderingKey, type IngestDeps } from './ingest.js';
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
 * The wake-up of a scheduled resolve: acts only if the row still says so, then wakes the lanes.
 * Timers hand their sends to the dispatch queue rather than performing them: when many come due
 * at once, a timer worker that waited on Slack or Meta for each would make the next ones late
 * (docs/performance.md, "Timers at scale").
 */
export async function closeJob(deps: IngestDeps & DispatchDeps, ticketId: string): Promise<void> {
  const lanes = await deps.sql.begin((tx) => fireScheduledClose(tx, ticketId, deps));
  await deps.kicker.dispatch(lanes);
}

/** The wake-up of a scheduled message: queues it only if still pending and due, then wakes the lanes. */
export async function scheduledMessageJob(deps: IngestDeps & DispatchDeps, scheduledId: string): Promise<void> {
  const lanes = await deps.sql.begin((tx) => fireScheduledMessage(tx, scheduledId, deps));
  await deps.kicker.dispatch(lanes);
}

/** The wake-up of an inactivity step or a window close: acts only if the row still says so, then dispatches. */
export async function inactivityJob(deps: IngestDeps & DispatchDeps, ticketId: string): Promise<void> {
  const lanes = await deps.sql.begin((tx) => fireInactivity(tx, ticketId, deps));
  await dispatchLanes(deps, lanes);
}

/** The wake-up of an unanswered department menu: routes the ticket only if it still waits and is due, then dispatches. */
export async function menuTimeoutJob(deps: IngestDeps & DispatchDeps, ticketId: string): Promise<void> {
  const lanes = await deps.sql.begin((tx) => fireMenuTimeout(tx, ticketId, deps));
  await dispatchLanes(deps, lanes);
}
