/**
 * What the adapters hand to the core. Adapters parse platform payloads into these; the core
 * never sees a platform payload. Dates are ISO strings so events survive a JSONB round trip.
 */

export type ChannelKind = 'whatsapp' | 'messenger' | 'instagram';
export type AgentPlatform = 'slack' | 'discord';

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed';

/** A customer's message, one per platform message (a batch yields many). */
export interface CustomerMessageEvent {
  type: 'customer.message';
  channel: ChannelKind;
  /** The business-side account it arrived on (phone_number_id, page id, IG account id). */
  accountId: string;
  /** The platform's id of this message (wamid, mid): the dedupe key. */
  externalId: string;
  contact: { externalId: string; name?: string; phone?: string };
  occurredAt: string;
  /** 'text', or the platform type shown as a placeholder until the channel renders it. */
  kind: string;
  /** Readable text of the message (for non-text types, a readable placeholder). */
  text: string;
}

/** A delivery status for a message we sent. */
export interface CustomerStatusEvent {
  type: 'customer.status';
  channel: ChannelKind;
  accountId: string;
  /** Our message's platform id (wamid). */
  externalId: string;
  contactExternalId: string;
  status: DeliveryState;
  occurredAt: string;
  error?: { code: string; title: string; detail?: string };
}

/** Something an agent wrote in a ticket thread. */
export interface AgentMessageEvent {
  type: 'agent.message';
  platform: AgentPlatform;
  /** Channel (Slack) or parent channel (Discord) of the thread. */
  containerId: string;
  /** Thread root (Slack thread_ts, Discord thread id). */
  threadId: string;
  /** The agent's message id on the platform, unique per platform. */
  externalId: string;
  userId: string;
  text: string;
  /** How many files the agent attached (relaying files comes with the media work). */
  fileCount?: number;
  /** The message opens by mentioning a teammate: it is addressed to them, not to the customer. */
  addressedToTeammate?: boolean;
  /** Platform ids mentioned in the text, in order (`!transfer #sales`, `!transfer @maria`). */
  mentions?: { channels: string[]; users: string[] };
  occurredAt: string;
}

/** A ticket action an agent took with a control (a card button), not by writing. */
export interface AgentActionEvent {
  type: 'agent.action';
  platform: AgentPlatform;
  action: 'accept' | 'resolve' | 'transfer' | 'return' | 'block' | 'unblock' | 'contact' | 'phone' | 'note' | 'contact_edit';
  ticketId: string;
  userId: string;
  /** For `transfer`: a person (platform user id) or a department, and an optional reason. */
  target?: { userId: string } | { departmentId: string };
  reason?: string;
  /** For `resolve` from a form: no farewell, and/or later (ms from now), keep on reply. */
  silent?: boolean;
  delayMs?: number;
  keepOnReply?: boolean;
  /** An internal note written in a form, posted in the thread. */
  note?: string;
  /** A farewell typed for this resolve (else the agent's own, else the workspace's). */
  farewell?: string;
  /** Tags to add to the ticket (space- or comma-separated, from a form). */
  tags?: string;
  /** For `contact_edit`: the contact's details as the form left them. */
  contact?: { name: string | null; email: string | null; fields: Record<string, string> };
  /** Where the control was, so a refusal can be shown to the person who used it. */
  containerId: string;
  threadId: string;
  occurredAt: string;
}

/** An agent opened Ponte's home view (Slack's App Home tab). */
export interface AgentHomeEvent {
  type: 'agent.home';
  platform: AgentPlatform;
  userId: string;
  occurredAt: string;
}

export type InboundEvent = CustomerMessageEvent | CustomerStatusEvent | AgentMessageEvent | AgentActionEvent | AgentHomeEvent;
export type InboundKind = InboundEvent['type'];
