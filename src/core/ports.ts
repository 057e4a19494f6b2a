import type { AgentPlatform, ChannelKind } from './events.js';

/** What a customer channel can do; the core branches on this, never on the channel's name. */
export interface ChannelCapabilities {
  /** Hours after the customer's last message during which free text may be sent. */
  windowHours: number;
  /** Longest text one platform message may carry (longer replies are split by the adapter). */
  maxTextLength: number;
  /** Markup for the agent's signature in this channel: `*Name:*` on WhatsApp. */
  boldStyle: 'asterisk' | 'none';
  /**
   * Blocking on the platform itself: how recently the customer must have written for a block
   * to be accepted (WhatsApp: 24 h), or null when the channel cannot block.
   */
  blockWindowHours: number | null;
}

export interface CustomerSend {
  accountId: string;
  /** Connection's own token, decrypted; undefined → the adapter's environment default. */
  token: string | undefined;
  /** The customer's external id (wa_id, PSID, IGSID). */
  to: string;
  text: string;
}

/**
 * The customer side (WhatsApp, Messenger, Instagram). Lifecycle rules:
 * - `send` is called by the dispatch worker once per attempt; it must not retry on its own
 *   (the outbox does, in order) and must throw a classified `DeliveryError` on failure.
 * - The text never exceeds `capabilities.maxTextLength`: the core splits longer replies into
 *   parts, one outbox row each, so a retry never resends a part that already left.
 */
export interface CustomerChannel {
  readonly kind: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  send(req: CustomerSend): Promise<{ externalId: string }>;
  /** Blocks or unblocks the customer on the platform (only when `capabilities.blockWindowHours` is set). */
  setBlocked?(req: { accountId: string; token: string | undefined; externalId: string; blocked: boolean }): Promise<void>;
}

/** Where a ticket lives on the agent side. */
export interface ThreadRef {
  containerId: string;
  threadId: string;
}

/** Everything the ticket card shows, already resolved to words and names. */
export interface TicketCard {
  ticketId: string;
  protocol: string;
  status: 'pending' | 'open' | 'resolved';
  channel: ChannelKind;
  customerName: string;
  customerPhone: string | null;
  department: string;
  assignee: string | null;
  previousProtocol: string | null;
  tags: string[];
  /** Notes about the contact (they follow the customer from ticket to ticket). */
  contactNotes: number;
  /** A scheduled resolve: when, and whether a customer message cancels it. */
  scheduledClose: { at: string; keepOnReply: boolean } | null;
  /** When the channel's reply window closes (customer's last message + window hours), if it has one. */
  windowClosesAt: string | null;
  locale: string;
}

export interface ThreadPost {
  thread: ThreadRef;
  text: string;
  /** customer: under the customer's name; notice: a system line from Ponte. */
  style: 'customer' | 'notice';
  authorName?: string;
}

export interface AgentProfile {
  displayName: string;
  /** A workspace admin/owner on the platform itself. */
  platformAdmin: boolean;
}

/**
 * The agent side (Slack, Discord). Called only by the dispatch worker (and `lookupUser` by
 * the relay); each call is one attempt that throws a classified `DeliveryError` on failure.
 */
export interface AgentBridge {
  readonly platform: AgentPlatform;
  openThread(req: { destination: string; card: TicketCard }): Promise<ThreadRef>;
  post(req: ThreadPost): Promise<{ externalId: string }>;
  updateCard(req: { thread: ThreadRef; card: TicketCard }): Promise<void>;
  react(req: { externalId: string; name: string }): Promise<void>;
  /** A link to the thread, in the platform's own markup, for lists shown to agents. */
  threadLink(thread: ThreadRef, label: string): Promise<string>;
  /** Publishes a person's home view: their open tickets and the waiting queue. */
  publishHome(req: { userId: string; home: HomeView }): Promise<void>;
  /** A line only `userId` sees, in the thread (refusals of a button press). */
  notify(req: { thread: ThreadRef; userId: string; text: string }): Promise<void>;
  lookupUser(userId: string): Promise<AgentProfile>;
}

/** One ticket in a list shown to agents (home view). */
export interface TicketSummary {
  ticketId: string;
  protocol: string;
  status: 'pending' | 'open' | 'resolved';
  customer: string;
  department: string;
  assignee: string | null;
  thread: ThreadRef | null;
}

export interface HomeView {
  mine: TicketSummary[];
  waiting: TicketSummary[];
  locale: string;
}
