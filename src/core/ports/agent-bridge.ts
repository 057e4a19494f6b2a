import type { PostAllowance } from '../pacer.js';
import type { AgentFileRef, AgentPlatform, ChannelKind } from '../events.js';
import type { FileBytes } from './files.js';
import type { AgentForm } from './form-spec.js';

export type * from './form-spec.js';
import type { Rich, Span } from '../rich-text.js';

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
  /** The customer's handle on their channel (a WhatsApp username), without the `@`, if they have one. */
  customerHandle?: string | null;
  department: string;
  assignee: string | null;
  previousProtocol: string | null;
  tags: string[];
  /** Notes about the contact (they follow the customer from ticket to ticket). */
  contactNotes: number;
  /** A scheduled resolve: when, and whether a customer message cancels it. */
  scheduledClose: { at: string; keepOnReply: boolean } | null;
  /**
   * The next automatic step while the customer is silent (src/timers/inactivity.ts): the warning,
   * the resolve after it (both unless the customer writes), or the resolve when the reply window
   * closes, whichever comes first.
   */
  inactivity?: { step: 'warn' | 'close' | 'window'; at: string } | null;
  /** When the channel's reply window closes (customer's last message + window hours), if it has one. */
  windowClosesAt: string | null;
  /** The channel takes approved templates once the window has closed (WhatsApp): offer the picker. */
  templates?: boolean;
  /** Where the customer came from (an ad's headline and link), when they arrived through one. */
  referral?: string | null;
  /** Why the ticket was resolved (the reason chosen or typed at close). */
  closeReason?: string | null;
  /** The customer's satisfaction answer, 1–5, once given. */
  csat?: number | null;
  /** The ticket was deleted (its content is gone): the card says so and has no controls. */
  deleted?: boolean;
  locale: string;
}

export interface ThreadPost {
  thread: ThreadRef;
  /** Neutral rich text the bridge renders and escapes; a string is plain words (a customer's message). */
  text: Rich | string;
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
 * What an agent-side platform can do; the core branches on this, never on the platform's name
 * (the customer side's `ChannelCapabilities` is the model). Each bridge keeps its own in its
 * `capabilities.ts`, as data.
 */
export interface AgentCapabilities {
  /** Longest text one post may carry; the bridge posts what is longer in ordered parts (Slack: 40,000 characters; Discord: 2,000). */
  maxTextLength: number;
  /**
   * How a line only one person sees (`notify`) can be sent: at any time, in the thread (Slack's
   * ephemeral messages), or only in answer to that person's interaction while it is open
   * (Discord: an interaction's token lives 15 minutes). The core asks for private lines only in
   * answer to an interaction (a button press, a form), so both kinds can keep the contract.
   */
  privateReplies: 'anytime' | 'interaction-window';
  /** Forms (modals) can be opened from a control: the bridge implements `FormSurface`. */
  forms: boolean;
  /** Each person has a home view of their tickets and the queue: the bridge implements `HomeSurface`. */
  home: boolean;
  /** A ticket's thread can carry tags (Discord forum tags; Slack threads cannot). */
  threadTags: boolean;
}

/**
 * The agent side (Slack, Discord): the small required part every bridge has. Called only by the
 * dispatch worker (and `lookupUser`/`threadLink` by the relay and the admin commands); each call
 * is one attempt that throws a classified `DeliveryError` on failure, and never retries on its
 * own (the outbox does, in order). What only some platforms have is an optional surface
 * (`HomeSurface`, `FormSurface`), found through `capabilities` (`hasHome`).
 */
export interface AgentBridge {
  readonly platform: AgentPlatform;
  readonly capabilities: AgentCapabilities;
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
  /**
   * A line in a channel, outside any ticket thread (an Instagram story mention, an alert to
   * admins). Texts here, in `post` and in `notify` are neutral rich text (src/core/rich-text.ts):
   * the bridge renders it in its markup and escapes every text span (a string is plain words).
   */
  announce(req: { destination: string; text: Rich | string; key?: PostKey }): Promise<{ externalId: string }>;
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
  /** A link to the thread labelled `label`, for lists shown to agents (just the label when it has none). */
  threadLink(thread: ThreadRef, label: string): Promise<Span>;
  /**
   * A line only `userId` sees, in the thread (refusals of a button press, a phone number shown
   * on request). Asked for only in answer to that person's interaction (`privateReplies`).
   */
  notify(req: { thread: ThreadRef; userId: string; text: Rich | string }): Promise<void>;
  lookupUser(userId: string): Promise<AgentProfile>;
  /**
   * The rate limit a new post into `destination` counts against: its bucket and allowance,
   * which the dispatcher paces posts by, oldest waiting ticket first (src/core/pacer.ts). What
   * the post is matters where the platform counts them apart: a customer's line, Ponte's own
   * line (a notice, a transcript), or the card that opens a thread. Undefined: not paced (a
   * bridge without it is never paced).
   */
  postAllowance?(destination: string, what: PacedPost): PostAllowance | undefined;
  /**
   * The rate limit an update of a card in `destination` counts against (`updateCard`): the
   * dispatcher paces card updates by it as it paces posts, and a card update told to wait goes
   * behind the rows waiting in its lane (docs/reliability.md, "Pacing"). Undefined: not paced.
   */
  cardAllowance?(destination: string): PostAllowance | undefined;
}

/** What a paced post is (`postAllowance`): a customer's line or file, Ponte's own line, a thread's opening card. */
export type PacedPost = 'customer' | 'notice' | 'card';

/**
 * Optional: a home view per person (Slack's App Home tab). Present when `capabilities.home`.
 * The core remembers who opened theirs recently and republishes it, through the outbox, when
 * tickets change; a bridge without a home gets no such work (`hasHome`).
 */
export interface HomeSurface {
  /** Publishes a person's home view: their open tickets and the waiting queue. */
  publishHome(req: { userId: string; home: HomeView }): Promise<void>;
}

/**
 * Optional: forms (modals) opened in answer to a person's interaction, before its handle
 * expires (on one platform, 3 seconds). Present when `capabilities.forms`. `trigger` is
 * that interaction handle; `form` is the neutral description (src/agent-ui/ builds it), which
 * the bridge renders in its platform's terms. The submission comes back to the bridge, which
 * reads it into `FormValues` and asks the core's `readForm` for the answer or the field errors.
 */
export interface FormSurface {
  openForm(trigger: string, form: AgentForm): Promise<void>;
}

/** The bridge, with its home surface, when its platform has one (`capabilities.home`). */
export function hasHome(bridge: AgentBridge): bridge is AgentBridge & HomeSurface {
  return bridge.capabilities.home && typeof (bridge as Partial<HomeSurface>).publishHome === 'function';
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
