import type { DeliveryErrorClass } from './errors.js';

/**
 * What the adapters hand to the core. Adapters parse platform payloads into these; the core
 * never sees a platform payload. Dates are ISO strings so events survive a JSONB round trip.
 */

export type ChannelKind = 'whatsapp' | 'messenger' | 'instagram';
/**
 * The agent-side chat tool an event or a person belongs to: the bridge's own name, as it
 * declares it (`AgentBridge.platform`) and as PONTE_ADMINS entries start (`<platform>:<user id>`).
 */
export type AgentPlatform = string;

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/**
 * A file a customer sent, as the platform refers to it. The bytes are fetched later, by the
 * channel adapter (`CustomerChannel.fetchMedia`), never in the webhook request.
 */
export interface MediaRef {
  kind: MediaKind;
  /** WhatsApp media id (`GET /{media_id}` gives a short-lived URL). */
  id?: string;
  /** A URL the platform put in the (signed) webhook: Messenger/Instagram attachments. */
  url?: string;
  mimeType?: string;
  filename?: string;
}

/**
 * Who wrote, as the channel identifies them. `externalId` is the id the event is keyed by (a
 * PSID, an IGSID; on WhatsApp the business-scoped user id when there is one, else the phone).
 * WhatsApp may give a BSUID (`userId`), a phone, or both, and a username (`@handle`): the core
 * finds the contact by any of them and links them (src/contacts/repository.ts).
 */
export interface ContactIdentity {
  externalId: string;
  name?: string;
  phone?: string;
  userId?: string;
  username?: string;
}

/** A customer's message, one per platform message (a batch yields many). */
export interface CustomerMessageEvent {
  type: 'customer.message';
  channel: ChannelKind;
  /** The business-side account it arrived on (phone_number_id, page id, IG account id). */
  accountId: string;
  /** The platform's id of this message (wamid, mid): the dedupe key. */
  externalId: string;
  contact: ContactIdentity;
  occurredAt: string;
  /** 'text', or the platform type shown as a placeholder until the channel renders it. */
  kind: string;
  /** Readable text of the message (for non-text types, a readable placeholder). */
  text: string;
  /** The business account's parent (WhatsApp: the WABA id from `entry[].id`), learned by the core. */
  businessAccountId?: string;
  /** Files to fetch and mirror into the thread after the text line. */
  media?: MediaRef[];
  /** Platform id of the message this one quotes or replies to (shown as a quote when we know it). */
  replyTo?: string;
  /** The id of the choice the customer picked from one we offered (a list row, a reply button). */
  choiceId?: string;
  /** A reaction to one of the ticket's messages (emoji null: the reaction was removed). */
  reaction?: { targetExternalId: string; emoji: string | null };
  /**
   * The customer (`contact`, by their old ids) now has new ones: WhatsApp's `user_changed_number`
   * (a new phone, and a new BSUID) and `user_changed_user_id` (a new BSUID only).
   */
  moved?: { phone?: string; userId?: string };
  /**
   * The customer edited or deleted (unsent, revoked) one of their earlier messages, named by its
   * platform id. An edit's `text` is the new content; a deletion's `text` only says what happened.
   * Shown in the target's thread; never opens a ticket.
   */
  revision?: { action: 'edit' | 'delete'; targetExternalId: string };
  /** How the customer arrived (click-to-WhatsApp ad, Messenger referral): shown on the card. */
  referral?: { source: string; headline?: string; url?: string };
  /**
   * Shown as a notice in the connection's channel without opening a ticket (an Instagram
   * story mention): `text` says what happened.
   */
  noticeOnly?: boolean;
}

/** A delivery status for a message we sent. */
export interface CustomerStatusEvent {
  type: 'customer.status';
  channel: ChannelKind;
  accountId: string;
  /** Our message's platform id (wamid, mid). Absent for a watermark. */
  externalId?: string;
  /**
   * Messenger/Instagram: every message we sent to this contact up to this time (ISO) has
   * reached `status` (delivery and read watermarks).
   */
  watermark?: string;
  contactExternalId: string;
  status: DeliveryState;
  occurredAt: string;
  /** A failure's code and words, and how the adapter classifies it (decides retry and explanation). */
  error?: { code: string; title: string; detail?: string; errorClass?: DeliveryErrorClass };
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
  /** Files the agent attached, to be fetched from the agent platform and sent to the customer. */
  files?: AgentFileRef[];
  /** The message opens by mentioning a teammate: it is addressed to them, not to the customer. */
  addressedToTeammate?: boolean;
  /** Platform ids mentioned in the text, in order (`!transfer #sales`, `!transfer @maria`). */
  mentions?: { channels: string[]; users: string[] };
  occurredAt: string;
}

/** A file on the agent platform (Slack `url_private_download`, Discord attachment URL). */
export interface AgentFileRef {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  url: string;
}

/** An agent added or removed an emoji reaction on a message in a ticket thread. */
export interface AgentReactionEvent {
  type: 'agent.reaction';
  platform: AgentPlatform;
  userId: string;
  /** The reacted message's id on the agent platform (as `AgentBridge.post` returned it). */
  messageExternalId: string;
  /** The emoji itself (unicode), already translated from the platform's short name. */
  emoji: string;
  removed: boolean;
  occurredAt: string;
}

/**
 * Where a control was used: a message in a channel or thread (the card, a notice in its
 * thread, a form opened from one), or the platform's home view.
 */
export type ActionOrigin = { kind: 'thread'; containerId: string; threadId: string } | { kind: 'home' };

/** A ticket action an agent took with a control (a card button), not by writing. */
export interface AgentActionEvent {
  type: 'agent.action';
  platform: AgentPlatform;
  action: 'accept' | 'resolve' | 'transfer' | 'return' | 'block' | 'unblock' | 'contact' | 'phone' | 'note' | 'contact_edit' | 'template' | 'history' | 'transcript' | 'delete';
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
  /** For `template`: the approved template chosen in the picker and its body parameters, in order. */
  template?: { name: string; language?: string; params: string[] };
  /** For `resolve` from the close form: contact fields asked at close (null: cleared). */
  closeFields?: Record<string, string | null>;
  /** For `contact_edit`: the contact's details as the form left them. */
  contact?: { name: string | null; email: string | null; fields: Record<string, string> };
  /** Where the control was, so a refusal can be shown to the person who used it. */
  containerId: string;
  threadId: string;
  /**
   * Where the control was used. The core acts only from the ticket's own live thread (its card
   * or a message in it), or from home by someone who may work the ticket's department.
   * Absent: not recorded (a form opened before origins were recorded), acted on as before.
   */
  from?: ActionOrigin;
  occurredAt: string;
}

/** An agent opened Ponte's home view (Slack's App Home tab). */
export interface AgentHomeEvent {
  type: 'agent.home';
  platform: AgentPlatform;
  userId: string;
  occurredAt: string;
}

export type InboundEvent = CustomerMessageEvent | CustomerStatusEvent | AgentMessageEvent | AgentReactionEvent | AgentActionEvent | AgentHomeEvent;
export type InboundKind = InboundEvent['type'];
