import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import { insertMessage } from '../messages/repository.js';
import { getHours, getMessageText, type MessageKind } from '../settings/repository.js';
import { isOpenAt } from '../hours/business-hours.js';
import { splitText } from '../agent/compose-reply.js';
import { customerLane, type LaneSet } from '../pipeline/outbox.js';
import { lastInboundOf, replyWindow } from '../customer/reply-window.js';

/** Fills {name}, {agent}, {protocol}, {department}; unknown variables stay visible. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

interface TicketFacts {
  protocol: string;
  customer: string;
  department: string;
}

/** The variables every customer-facing template may use: {name}, {agent}, {protocol}, {department}. */
export async function templateVars(tx: Tx, ticketId: string, agentName: string): Promise<Record<string, string>> {
  const facts = await ticketFacts(tx, ticketId);
  return { name: facts.customer, agent: agentName, protocol: facts.protocol, department: facts.department };
}

async function ticketFacts(tx: Tx, ticketId: string): Promise<TicketFacts> {
  const [row] = await tx<TicketFacts[]>`
    SELECT t.protocol, COALESCE(ct.name, ct.phone, ct.external_id) AS customer, d.name AS department
    FROM tickets t JOIN contacts ct ON ct.id = t.contact_id JOIN departments d ON d.id = t.department_id
    WHERE t.id = ${ticketId}`;
  if (!row) throw new Error(`ticket ${ticketId} not found`);
  return row;
}

/**
 * Queues the configured customer-facing message of `kind` (accept, farewell) for the ticket,
 * on the customer lane, after anything already queued there. Nothing is sent when an admin
 * has not set that message (as in Whaticket, where these are opt-in).
 */
export async function queueAutoMessage(
  tx: Tx,
  o: { ticketId: string; kind: MessageKind; agentId: string | null; agentName: string; caps: ChannelCapabilities; lanes: LaneSet; override?: string | null },
): Promise<boolean> {
  const template = o.override || (await getMessageText(tx, o.kind));
  if (!template) return false;
  // Automatic texts may not use a human agent's extension of the window, and outside it they
  // would only fail: they are skipped (the agent's own notices say what happened).
  if (replyWindow(o.caps, await lastInboundOf(tx, o.ticketId)) !== 'open') return false;
  const body = fillTemplate(template, await templateVars(tx, o.ticketId, o.agentName));
  const messageId = await insertMessage(tx, { ticketId: o.ticketId, direction: 'outbound', body, kind: `auto.${o.kind}`, authorAgentId: o.agentId, deliveryStatus: 'queued' });
  for (const [part, text] of splitText(body, o.caps.maxTextLength, o.caps.textUnit).entries()) {
    await o.lanes.add(customerLane(o.ticketId), { kind: 'customer.send', messageId, part, text });
  }
  return true;
}

/**
 * A new ticket's first answer: the away message outside business hours, else the greeting
 * (each only when an admin has set it). `at` is when the customer wrote.
 */
export async function queueWelcome(tx: Tx, o: { ticketId: string; caps: ChannelCapabilities; lanes: LaneSet; at: Date }): Promise<void> {
  const hours = await getHours(tx);
  const kind = hours && !isOpenAt(hours, o.at) ? 'away' : 'greeting';
  await queueAutoMessage(tx, { ticketId: o.ticketId, kind, agentId: null, agentName: '', caps: o.caps, lanes: o.lanes });
}
