import type { ChannelKind, MediaKind, MediaRef } from '../events.js';
import type { FileBytes } from './files.js';
import type { PostAllowance } from '../pacer.js';

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
  /**
   * A question can offer choices the customer taps (WhatsApp: an interactive list of up to 10
   * rows, titles up to 24 characters); absent: the core writes the choices as numbered text.
   */
  choices?: { maxOptions: number; maxTitleLength: number };
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
  /**
   * Choices to offer with the text (only when `capabilities.choices`): `button` opens them, each
   * option's `id` comes back as the answer's `choiceId`.
   */
  choices?: { button: string; options: { id: string; title: string }[] };
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
  /**
   * The rate limit a send from `accountId` counts against (WhatsApp: the number's messages per
   * second), which the dispatcher paces customer sends by, oldest waiting ticket first, as it
   * paces agent-side posts (src/core/pacer.ts). Optional: a channel without it is not paced.
   */
  sendAllowance?(accountId: string): PostAllowance | undefined;
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
