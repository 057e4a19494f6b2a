import type { AgentFileRef, AgentPlatform, ChannelKind, MediaKind, MediaRef } from './events.js';

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
  /**
   * After `windowHours`, how long a human agent may still reply, tagged as such (Messenger and
   * Instagram HUMAN_AGENT: 7 days = 168), or null when the window simply closes.
   */
  humanAgentWindowHours: number | null;
  /** Approved templates can be sent outside the window (WhatsApp). */
  templates: boolean;
  /** How `maxTextLength` counts: UTF-16 code units ('chars') or UTF-8 bytes (Instagram: 1000 bytes). */
  textUnit: 'chars' | 'bytes';
  /** Largest outbound file the platform accepts, per kind, in bytes. */
  maxMediaBytes: Record<MediaKind, number>;
  /**
   * Attachments are taken only from a public URL (Instagram): the core serves the file for a
   * while at PUBLIC_URL/media/<token> and passes that `url` to `sendMedia`.
   */
  mediaByUrl?: boolean;
  /**
   * Longest caption an image, video or document may carry (WhatsApp: 1024 characters), or null
   * when files carry none (the agent's words then go as their own message before the file).
   */
  captionMaxLength?: number | null;
}

/** A file in memory, fetched within a size cap (the caps keep this small). */
export interface FileBytes {
  bytes: Buffer;
  mimeType: string;
  filename: string;
}

/** Thrown by `fetchMedia`/`fetchFile` when a file is over the cap: not retryable, explained to agents. */
export class FileTooLarge extends Error {
  constructor(
    readonly limitBytes: number,
    readonly sizeBytes: number | undefined,
  ) {
    super(`file is larger than the ${Math.round(limitBytes / 1024 / 1024)} MB limit`);
    this.name = 'FileTooLarge';
  }
}

/** Who sends: the business account and its token (the connection's own, else the environment's). */
export interface AccountAuth {
  accountId: string;
  /** Connection's own token, decrypted; undefined → the adapter's environment default. */
  token: string | undefined;
}

/** An approved message template (WhatsApp), as listed by the platform. */
export interface MessageTemplate {
  name: string;
  language: string;
  /** 'marketing' | 'utility' | 'authentication', lower-cased. */
  category: string;
  status: string;
  /** The body text with its {{1}}… placeholders. */
  body: string;
  /** How many body parameters it takes. */
  paramCount: number;
}

export interface CustomerSend extends AccountAuth {
  /** The customer's external id (wa_id, PSID, IGSID). */
  to: string;
  text: string;
  /**
   * A human agent's reply after the standard window, within `humanAgentWindowHours`
   * (Messenger/Instagram: `messaging_type: MESSAGE_TAG`, `tag: HUMAN_AGENT`).
   */
  humanAgent?: boolean;
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
  /** Sends a file (an agent's attachment) by its type: image, video, audio or document. */
  sendMedia(req: AccountAuth & { to: string; file: FileBytes; kind: MediaKind; caption?: string; humanAgent?: boolean; url?: string }): Promise<{ externalId: string }>;
  /**
   * Downloads a customer's file: only from the URL the platform returned for that media id, or
   * from an allowed host; with the token; streamed and stopped at `maxBytes` (throws FileTooLarge).
   */
  fetchMedia(req: AccountAuth & { media: MediaRef; maxBytes: number }): Promise<FileBytes>;
  /** Reacts to one of the customer's messages (emoji null: removes our reaction). */
  react?(req: AccountAuth & { to: string; externalId: string; emoji: string | null }): Promise<void>;
  /**
   * The customer's name, for channels whose webhooks carry none (Messenger's User Profile API,
   * Instagram's user profile): asked once, when their first ticket opens.
   */
  lookupContact?(req: AccountAuth & { externalId: string }): Promise<{ name?: string }>;
  /** Tells the customer their message was seen (blue ticks / mark_seen). */
  markRead?(req: AccountAuth & { to: string; externalId: string }): Promise<void>;
  /** Sends an approved template (only when `capabilities.templates`). */
  sendTemplate?(req: AccountAuth & { to: string; template: { name: string; language: string; params: string[] } }): Promise<{ externalId: string }>;
  /** Lists the approved templates of a business account (WhatsApp: the WABA). */
  listTemplates?(req: { businessAccountId: string; token: string | undefined }): Promise<MessageTemplate[]>;
  /** Blocks or unblocks the customer on the platform (only when `capabilities.blockWindowHours` is set). */
  setBlocked?(req: AccountAuth & { externalId: string; blocked: boolean }): Promise<void>;
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
  /** The channel takes approved templates once the window has closed (WhatsApp): offer the picker. */
  templates?: boolean;
  /** Where the customer came from (an ad's headline and link), when they arrived through one. */
  referral?: string | null;
  locale: string;
}

export interface ThreadPost {
  thread: ThreadRef;
  text: string;
  /** customer: under the customer's name; notice: a system line from Ponte. */
  style: 'customer' | 'notice';
  authorName?: string;
  /**
   * A control to show under a notice: 'templates' opens the template picker for `ticketId`
   * (offered when a free-text reply could not be sent because the window closed).
   */
  offer?: { kind: 'templates'; ticketId: string };
  /** A quote of the message this one replies to, shown above it. */
  quote?: string;
  /** Ponte's idempotency key for this post (see `PostKey`). */
  key?: string;
}

/**
 * Ponte's idempotency key for a post: the same for every attempt at one outbox row, at most 25
 * characters (Discord's `nonce` limit). The bridge stamps it on the message where the platform
 * lets it (Slack message `metadata`; Discord `nonce` with `enforce_nonce`), so `findPost` can
 * tell whether an attempt whose outcome is unknown took effect.
 */
export type PostKey = string;

/** Where a post was made: in a ticket's thread, or at the top of a channel (a card, an announcement). */
export type PostPlace = { thread: ThreadRef } | { destination: string };

/** A post found by its key; `opens` is the thread a top-level post starts (a ticket card). */
export interface FoundPost {
  externalId: string;
  opens?: ThreadRef;
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
  openThread(req: { destination: string; card: TicketCard; key?: PostKey }): Promise<ThreadRef>;
  post(req: ThreadPost): Promise<{ externalId: string }>;
  updateCard(req: { thread: ThreadRef; card: TicketCard }): Promise<void>;
  /**
   * Adds (or, with `remove`, takes away) a reaction on a message Ponte posted. `name` is the
   * platform's short name (`white_check_mark`) or a unicode emoji, which the bridge translates.
   */
  react(req: { externalId: string; name: string; remove?: boolean }): Promise<void>;
  /**
   * Uploads a file into the thread (Slack's files v2 flow), under the customer's name when given.
   * `remember` is called with the platform's id for the file once it has one and before the file
   * is shared (a rejection stops the upload, nothing shared): the core keeps it, so an attempt
   * whose outcome is unknown can ask `findFile` instead of uploading again.
   */
  postFile(req: { thread: ThreadRef; file: FileBytes; comment?: string; authorName?: string; remember?: (fileId: string) => Promise<void> }): Promise<{ externalId: string }>;
  /**
   * The share of a file an earlier `postFile` remembered, when it is in `thread` (the link to
   * record, as postFile would have returned it), or undefined when it never got there (the
   * upload was not completed, or the platform has no such file). Called only when an earlier
   * attempt's outcome is unknown. A read that fails throws a classified `DeliveryError`, and
   * nothing is uploaded (the outbox retries). Optional: a bridge without it uploads again.
   */
  findFile?(req: { fileId: string; thread: ThreadRef }): Promise<FoundPost | undefined>;
  /** Downloads an agent's attachment with the bot's credentials, streamed and capped (FileTooLarge). */
  fetchFile(req: { file: AgentFileRef; maxBytes: number }): Promise<FileBytes>;
  /** A line in a channel, outside any ticket thread (an Instagram story mention, an alert to admins). */
  announce(req: { destination: string; text: string; key?: PostKey }): Promise<{ externalId: string }>;
  /**
   * Finds the post Ponte made with `key` in `where`, no earlier than `since`, or undefined when
   * it is not there. Called only when an earlier attempt's outcome is unknown (it was in flight
   * when the process died, or failed in a way that may have taken effect), never on every post:
   * reading history is rate limited. A read that fails throws a classified `DeliveryError`, and
   * the post is not made (the outbox retries). Optional: a bridge without it is simply asked
   * to post again, which only a platform that deduplicates by the key makes safe (Discord's
   * `enforce_nonce` does, for a few minutes; past that a Discord bridge needs this too).
   */
  findPost?(req: { where: PostPlace; key: PostKey; since: Date }): Promise<FoundPost | undefined>;
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
