import type { Db } from '../db/connect.js';

/**
 * Side effects the core asks for. They are written in the same transaction as the state
 * change that causes them and performed by the dispatch worker, in order per lane.
 */
export type OutboxOp =
  | { kind: 'thread.open'; ticketId: string }
  /** Posts in the ticket's current thread, or in `thread` when given (a notice left in the old thread of a transfer). */
  | { kind: 'thread.post'; messageId: string; thread?: { containerId: string; threadId: string } }
  | { kind: 'card.update'; ticketId: string }
  | { kind: 'reaction.add'; messageId: string; name: string }
  | { kind: 'agent.notify'; ticketId: string; userId: string; text: string }
  | { kind: 'customer.send'; messageId: string; part: number; text: string }
  | { kind: 'customer.block'; ticketId: string; blocked: boolean }
  | { kind: 'home.publish'; platform: string; userId: string };

export type OutboxKind = OutboxOp['kind'];

/** Agent-side effects of a ticket (thread, card, notices) keep their order in this lane… */
export const agentLane = (ticketId: string) => `t${ticketId}-agent`;
/** …and what goes to the customer keeps its order in this one; neither blocks the other. */
export const customerLane = (ticketId: string) => `t${ticketId}-customer`;

export async function enqueue(db: Db, lane: string, op: OutboxOp): Promise<void> {
  const { kind, ...payload } = op;
  await db`INSERT INTO outbox (lane, kind, payload) VALUES (${lane}, ${kind}, ${db.json(payload as never)})`;
}

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
