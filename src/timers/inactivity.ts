import type { Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { insertMessage, insertNotice } from '../messages/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import { LaneSet, agentLane, customerLane } from '../pipeline/outbox.js';
import { fillTemplate, templateVars } from '../tickets/auto-messages.js';
import { resolveAutomatically } from '../tickets/auto-resolve.js';
import { splitText } from '../agent/compose-reply.js';
import { replyWindow } from '../customer/reply-window.js';

/*
 * Inactivity, per department (`/ponte inactivity`):
 *  - an agent's reply to the customer starts the clock: the customer now owes a reply
 *    (`inactivity_step` 'warn', due after the department's warn seconds);
 *  - when it is due, the customer is warned (only inside the reply window: outside it the thread
 *    says the warning could not go) and the step becomes 'close', due after the close seconds;
 *  - when that is due, the ticket resolves with the reason "inactivity", farewell included;
 *  - a customer message stops the clock (and the card says so).
 * Window close: while the department's `window_close` is on, each customer message sets
 * `window_close_at` (their message + the channel's window hours); when it passes with no newer
 * message, the ticket resolves with the reason "window closed".
 * The rows are the truth: the sweeper arms a wake-up for what is due within a minute, and the
 * wake-up acts only if the row, locked in the transaction that acts, still says so (guarantee 6).
 */

async function notice(tx: Tx, ticketId: string, lanes: LaneSet, text: Rich): Promise<void> {
  const id = await insertNotice(tx, ticketId, text);
  await lanes.add(agentLane(ticketId), { kind: 'thread.post', messageId: id });
}

const shown = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** An agent's reply went to the customer: (re)starts the department's inactivity clock, if it has one. */
export async function startInactivityClock(tx: Tx, ticketId: string, lanes: LaneSet): Promise<void> {
  const rows = await tx`
    UPDATE tickets t SET inactivity_step = 'warn', inactivity_at = now() + make_interval(secs => d.inactivity_warn_seconds)
    FROM departments d
    WHERE t.id = ${ticketId} AND d.id = t.department_id AND t.status <> 'resolved'
      AND d.inactivity_warn_seconds IS NOT NULL AND d.inactivity_close_seconds IS NOT NULL
    RETURNING t.id`;
  if (rows.length > 0) await lanes.add(agentLane(ticketId), { kind: 'card.update', ticketId });
}

/**
 * A customer message stops the inactivity clock and moves the window-close deadline: the message's
 * own insert writes both (`answered` of insertInboundMessage), with this deadline (the message +
 * the channel's window hours).
 */
export const windowCloseAfter = (at: string, caps: ChannelCapabilities | undefined): string | null =>
  caps?.windowHours ? new Date(Date.parse(at) + caps.windowHours * 3_600_000).toISOString() : null;

/** Says in the thread that a customer message stopped a running clock (as the ticket was read in the same transaction). */
export async function inactivityStopped(tx: Tx, ticketId: string, o: { locale: Locale; lanes: LaneSet }): Promise<void> {
  await notice(tx, ticketId, o.lanes, say(o.locale, 'inactivity.stopped'));
  await o.lanes.add(agentLane(ticketId), { kind: 'card.update', ticketId });
}

interface DueRow {
  step: 'warn' | 'close' | null;
  inactivity_due: boolean;
  window_due: boolean;
  department_id: string;
  last_inbound_at: Date | null;
  channel: string;
  warn_seconds: number | null;
  close_seconds: number | null;
  text: string | null;
  window_close: boolean;
}

/** The wake-up of a ticket's inactivity step or window close; returns the lanes it wrote to. */
export async function fireInactivity(
  tx: Tx,
  ticketId: string,
  o: { locale: Locale; capabilitiesOf(channel: string): ChannelCapabilities | undefined },
): Promise<string[]> {
  const [due] = await tx<DueRow[]>`
    SELECT t.inactivity_step AS step, COALESCE(t.inactivity_at <= now(), false) AS inactivity_due,
           COALESCE(t.window_close_at <= now(), false) AS window_due, t.department_id, ct.last_inbound_at, c.channel,
           d.inactivity_warn_seconds AS warn_seconds, d.inactivity_close_seconds AS close_seconds, d.inactivity_text AS text, d.window_close
    FROM tickets t JOIN departments d ON d.id = t.department_id JOIN contacts ct ON ct.id = t.contact_id
    JOIN connections c ON c.id = t.connection_id
    WHERE t.id = ${ticketId} AND t.status <> 'resolved' FOR UPDATE OF t`;
  if (!due || (!due.inactivity_due && !due.window_due)) return [];
  const lanes = new LaneSet(tx);
  const caps = o.capabilitiesOf(due.channel);
  const resolve = (reason: string) =>
    resolveAutomatically(tx, { ticketId, departmentId: due.department_id, reason, locale: o.locale, caps, lanes });

  if (due.window_due) {
    await tx`UPDATE tickets SET window_close_at = NULL WHERE id = ${ticketId}`;
    // Still so? The department still wants it, and no newer customer message reopened the window.
    const hours = caps?.windowHours;
    const closed = hours && (!due.last_inbound_at || due.last_inbound_at.getTime() + hours * 3_600_000 <= Date.now());
    if (due.window_close && closed) {
      await resolve(t(o.locale, 'inactivity.reason_window'));
      return lanes.list();
    }
  }
  if (!due.inactivity_due) return lanes.list();
  if (!due.warn_seconds || !due.close_seconds) {
    // Turned off since the clock started: nothing happens, and the card stops showing it.
    await tx`UPDATE tickets SET inactivity_step = NULL, inactivity_at = NULL WHERE id = ${ticketId}`;
    await lanes.add(agentLane(ticketId), { kind: 'card.update', ticketId });
    return lanes.list();
  }
  if (due.step === 'close') {
    await tx`UPDATE tickets SET inactivity_step = NULL, inactivity_at = NULL WHERE id = ${ticketId}`;
    await resolve(t(o.locale, 'inactivity.reason'));
    return lanes.list();
  }
  const closeAt = new Date(Date.now() + due.close_seconds * 1000);
  await tx`UPDATE tickets SET inactivity_step = 'close', inactivity_at = ${closeAt} WHERE id = ${ticketId}`;
  if (caps && replyWindow(caps, due.last_inbound_at) === 'open') {
    await queueWarning(tx, ticketId, { caps, lanes, text: due.text ?? t(o.locale, 'inactivity.default_warning') });
    await notice(tx, ticketId, lanes, say(o.locale, 'inactivity.warned', { when: shown(closeAt) }));
  } else {
    await notice(tx, ticketId, lanes, say(o.locale, 'inactivity.warning_skipped', { when: shown(closeAt) }));
  }
  await lanes.add(agentLane(ticketId), { kind: 'card.update', ticketId });
  return lanes.list();
}

/** The warning, as the customer gets any automatic text: stored, split to the channel's limit, on the customer lane. */
async function queueWarning(tx: Tx, ticketId: string, o: { caps: ChannelCapabilities; lanes: LaneSet; text: string }): Promise<void> {
  const [assignee] = await tx<{ name: string | null }[]>`
    SELECT a.display_name AS name FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.id = ${ticketId}`;
  const body = fillTemplate(o.text, await templateVars(tx, ticketId, assignee?.name ?? ''));
  const messageId = await insertMessage(tx, { ticketId, direction: 'outbound', body, kind: 'auto.inactivity', deliveryStatus: 'queued' });
  for (const [part, text] of splitText(body, o.caps.maxTextLength, o.caps.textUnit).entries()) {
    await o.lanes.add(customerLane(ticketId), { kind: 'customer.send', messageId, part, text });
  }
}
