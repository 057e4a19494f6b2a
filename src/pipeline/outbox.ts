import type { Db } from '../db/connect.js';
import type { AgentFileRef } from '../core/events.js';
import type { Rich } from '../core/rich-text.js';

/**
 * Side effects the core asks for. They are written in the same transaction as the state
 * change that causes them and performed by the dispatch worker, in order per lane.
 */
export type OutboxOp =
  | { kind: 'thread.open'; ticketId: string }
  /** Asks the channel for the customer's name (channels whose webhooks carry none), before the thread opens. */
  | { kind: 'contact.profile'; ticketId: string }
  /** Posts in the ticket's current thread, or in `thread` when given (a notice left in the old thread of a transfer). */
  | { kind: 'thread.post'; messageId: string; thread?: { containerId: string; threadId: string; platform?: string }; offerTemplates?: boolean }
  | { kind: 'card.update'; ticketId: string }
  /** A reaction on the message's agent-side copy: a delivery mark, or a customer's emoji (`remove` takes it back). */
  | { kind: 'reaction.add'; messageId: string; name: string; remove?: boolean }
  /** Fetches a customer's file (`attachments[index]` of the message) and uploads it into the thread. */
  | { kind: 'media.mirror'; messageId: string; index: number }
  /** `text` is rich text; a string is a row queued before rich text, shown as plain words. */
  | { kind: 'agent.notify'; ticketId: string; userId: string; text: Rich | string }
  /** A line in a connection's channel, outside any ticket (story mentions, alerts to admins). */
  | { kind: 'channel.announce'; connectionId: string; text: Rich | string }
  /** Pulls the approved templates of every WhatsApp connection and reports in `destination`. */
  | { kind: 'templates.sync'; platform: string; destination: string }
  /** `humanAgent`: a person's reply past the standard window (Messenger/Instagram HUMAN_AGENT tag). */
  | { kind: 'customer.send'; messageId: string; part: number; text: string; humanAgent?: boolean; choices?: { button: string; options: { id: string; title: string }[] } }
  | { kind: 'customer.media'; messageId: string; part: number; file: AgentFileRef; humanAgent?: boolean; caption?: string }
  | { kind: 'customer.template'; messageId: string; part: number; template: { name: string; language: string; params: string[] } }
  /** Our reaction on a customer's message (`messageId`), or its removal (emoji null). */
  | { kind: 'customer.react'; messageId: string; emoji: string | null }
  /** Marks the customer's message `messageId` (and so everything before it) as read. */
  | { kind: 'customer.read'; messageId: string }
  | { kind: 'customer.block'; ticketId: string; blocked: boolean }
  | { kind: 'home.publish'; platform: string; userId: string }
  /** `!history`: the contact's earlier tickets, linked, built for `thread`'s platform and posted there. */
  | { kind: 'contact.history'; ticketId: string; thread: { containerId: string; threadId: string; platform: string }; noticeId?: string }
  /** A file of `ofTicketId`'s conversation (tickets/transcript.ts), posted in `thread`, a thread of `ticketId`. */
  | { kind: 'ticket.transcript'; ticketId: string; ofTicketId: string; format: 'txt' | 'html'; thread: { containerId: string; threadId: string; platform: string } };

export type OutboxKind = OutboxOp['kind'];

/** Agent-side effects of a ticket (thread, card, notices) keep their order in this lane… */
export const agentLane = (ticketId: string) => `t${ticketId}-agent`;
/** …and what goes to the customer keeps its order in this one; neither blocks the other. */
export const customerLane = (ticketId: string) => `t${ticketId}-customer`;

export async function enqueue(db: Db, lane: string, op: OutboxOp): Promise<void> {
  const { kind, ...payload } = op;
  await db`INSERT INTO outbox (lane, kind, payload) VALUES (${lane}, ${kind}, ${db.json(payload as never)})`;
}

/** Sends that reach a customer's phone: never repeated when an attempt may have arrived. */
export const CUSTOMER_SENDS: ReadonlySet<OutboxKind> = new Set(['customer.send', 'customer.media', 'customer.template']);

/** Lines posted outside tickets, per connection. */
export const announceLane = (connectionId: string) => `announce-${connectionId}`;

/** A person's home view is republished in its own lane. */
export const homeLane = (platform: string, userId: string) => `home-${platform}-${userId}`;

/** Collects the lanes a unit of work wrote to, so the caller can wake them after commit. */
export class LaneSet {
  private readonly lanes = new Set<string>();
  constructor(private readonly db: Db) {}
  async add(lane: string, op: OutboxOp) {
    await enqueue(this.db, lane, op);
    this.lanes.add(lane);
  }
  /** A lane written to by other means (a combined statement). */
  touched(lane: string) {
    this.lanes.add(lane);
  }
  list(): string[] {
    return [...this.lanes];
  }
}
