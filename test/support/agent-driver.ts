// The agent side of an end-to-end test, platform-free: what an agent does (writes in a thread,
// presses a control, fills a form) and what an agent SEES (posts, the card, private lines),
// decoded from the platform's markup into plain visible text, the mentions that would ping and
// the links with their real URL. One implementation per bridge (slack-driver.ts; Discord's when
// it lands) on top of that platform's fake; the bridge conformance suite and e2e tests use only this.
import type { AgentCapabilities, ThreadRef } from '../../src/core/ports.js';
import type { FakeGraph } from '../fakes/graph-api.js';
import type { TestDatabase } from './database.js';
import { waTextMessage } from '../fixtures/meta.js';
import { PHONE_ID, eventually } from './harness.js';

export type { ThreadRef };

/** Text as a person reads it on the platform, once its markup is rendered. */
export interface Reading {
  /** The visible characters (markup rendered: entities decoded, bold/italic markers gone, links as their label). */
  text: string;
  /** Who would be pinged: `@channel`, `@here`, `@everyone`, or a person/group id as `@U123`. */
  mentions: string[];
  /** Links that lead somewhere, with the URL they really open. */
  links: { label: string; url: string }[];
}

/** A control a person can use on a ticket, by what it does (not by a platform's id). */
export type Control = 'accept' | 'transfer' | 'resolve' | 'templates' | `more:${string}`;

export interface SeenControl {
  control: Control | 'more';
  label: string;
  /** The platform asks "are you sure?" before acting. */
  confirms: boolean;
  /** A menu's choices (the More menu). */
  options?: { control: Control; label: string }[];
}

export interface SeenPost extends Reading {
  /** The driver's id for the message (reactions are read by it). */
  id: string;
  /** The name shown as the post's author (a customer's name on their messages). */
  author?: string;
  /** Reactions on it, as unicode emoji. */
  reactions: string[];
  /** Controls under the post (the "send a template" offer). */
  controls: SeenControl[];
  /** Seen only by one person (a Slack ephemeral; a Discord ephemeral reply). */
  private: boolean;
}

export interface SeenCard extends Reading {
  controls: SeenControl[];
}

/** A line only `userId` saw. */
export interface SeenNotice extends Reading {
  userId: string;
  thread?: ThreadRef;
  private: true;
}

/** A ticket the driver can find: its id in the core and its thread on the platform. */
export interface TicketRef {
  id: string;
  thread: ThreadRef;
}

/** A form a press opened, to be submitted by the person who opened it. */
export interface FormHandle {
  kind: 'transfer' | 'close';
  ticketId: string;
  userId: string;
  /** The platform's own description of the opened form (Slack: the view). */
  raw: unknown;
}

/** What a transfer form takes: one person or one department, and an optional reason. */
export interface TransferValues {
  person?: string;
  departmentId?: string;
  reason?: string;
}

/** What the close form (Resolve, when resolving asks for something) takes: a picked or typed reason, contact fields by name. */
export interface CloseValues {
  /** A reason from the department's list (the select). */
  pickedReason?: string;
  /** Another reason, typed. */
  otherReason?: string;
  /** Close fields by name, as the agent left them ('' empties one); each names whether it is required. */
  fields?: Record<string, { value: string; required: boolean }>;
}

/** The customer side and the store: the same for every bridge (WhatsApp through Meta's webhook). */
export interface CoreSide {
  graph: FakeGraph;
  db: TestDatabase;
  /** A signed Meta webhook delivery. */
  postMeta(body: unknown): Promise<{ statusCode: number; body: string }>;
  /** Runs the sweeper once (work that is due is re-armed). */
  sweep(): Promise<void>;
  /** A GET on Ponte's own HTTP server (a public file's link, as a browser would follow it). */
  get(path: string): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>;
}

export interface AgentDriver {
  /** The bridge's name, for test titles. */
  readonly name: string;
  readonly capabilities: AgentCapabilities;
  /** Two agents the platform knows, with the names their profiles give. */
  readonly agents: readonly [{ id: string; name: string }, { id: string; name: string }];
  /** A Ponte admin (PONTE_ADMINS), for admin commands. */
  readonly admin: string;
  /** The channel tickets of the connected WhatsApp number open in. */
  readonly home: string;
  readonly core: CoreSide;

  /** An agent writes `text` (as they typed it) in a thread; resolves with the message's id. */
  say(thread: ThreadRef, userId: string, text: string): Promise<{ id: string }>;
  /** An agent puts a unicode `emoji` on a post in a thread (`post` is a SeenPost's id). */
  react(post: string, userId: string, emoji: string): Promise<void>;
  /** Our own post delivered back to us by the platform (as Slack's Events API does). */
  echoOwnPost(thread: ThreadRef, text: string): Promise<void>;
  /**
   * Presses a control of `ticket`, by default on its own card; `on` presses it where another
   * ticket's controls are (a stale or misplaced press). A control that opens a form returns it.
   */
  press(control: Control, ticket: TicketRef, userId: string, opts?: { on?: TicketRef }): Promise<{ form?: FormHandle }>;
  /** Submits a form a press opened; `errors` when the platform keeps it open with errors. */
  submit(form: FormHandle, values: TransferValues & CloseValues): Promise<{ errors?: Record<string, string> }>;
  /**
   * An admin command (`/ponte`), answered to the person who ran it: Slack's typed text, or on
   * Discord the same words given as the subcommand's typed options.
   */
  adminCommand(userId: string, text: string): Promise<string>;

  /** Everything everyone sees in a thread, in order (the card itself excluded). */
  posts(thread: ThreadRef): SeenPost[];
  /** The ticket's card as it shows now. */
  card(ticket: TicketRef): SeenCard;
  /** How many times the platform was asked to change the ticket's card after it was posted. */
  cardUpdates(ticket: TicketRef): number;
  /** The lines only `userId` was shown, in order. */
  notices(userId: string): SeenNotice[];
  /** The files posted in a thread (by Ponte or anyone), in order, with their contents as UTF-8 text. */
  files(thread: ThreadRef): { filename: string; text: string }[];
  /** Reactions on any message (an agent's included), as unicode emoji. */
  reactionsOn(messageId: string): string[];
  /** The thread the core keeps for a ticket on this platform (its current one). */
  threadOf(ticketId: string): Promise<ThreadRef | undefined>;
  /** A new place tickets can open in (Slack: a channel; Discord: a forum), for a department; its id. */
  newPlace(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A customer writes on WhatsApp (Meta's webhook, signed); resolves with their ticket once their
 * message shows in its thread, under their name.
 */
export async function customerWritesTo(d: AgentDriver, from: string, profileName: string, text: string): Promise<TicketRef> {
  const res = await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: profileName, text }));
  if (res.statusCode !== 200) throw new Error(`Meta webhook answered ${res.statusCode}`);
  return eventually(`${from}'s message in a thread`, async () => {
    const [row] = await d.core.db.sql<{ id: string }[]>`
      SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${from} ORDER BY t.id DESC LIMIT 1`;
    const thread = row ? await d.threadOf(String(row.id)) : undefined;
    if (!row || !thread) return undefined;
    return d.posts(thread).some((p) => p.author === profileName) ? { id: String(row.id), thread } : undefined;
  }, 15_000);
}
