import { Routes, type REST } from 'discord.js';
import type { ThreadRef, TicketCard } from '../../src/core/ports.js';
import type { ChannelDirectory } from './channels.js';
import { ticketCard } from './card.js';
import { discordCode } from './errors.js';
import type { ForumTags } from './forum-tags.js';
import { partNonce } from './ids.js';
import { noMentions } from './render.js';

/** Posts stay listed a week without activity (Discord's longest auto-archive). */
const AUTO_ARCHIVE_MINUTES = 10080;

/** A post's title: 1–100 characters; it never changes (renames have their own tight limit). */
export function postName(card: TicketCard): string {
  const name = `${card.customerName.replace(/\s+/g, ' ').trim() || '?'} · ${card.protocol}`;
  return name.length > 100 ? `${name.slice(0, 99)}…` : name;
}

/**
 * Where a ticket lives: in a forum, a post whose starter message is the card (the post's id is
 * the card's id) carrying the status tag; in a text channel, a public thread whose first message
 * is the card. `containerId` is the forum or channel, `threadId` the post.
 */
export class TicketThreads {
  /** Text-channel threads: the card's message id (a forum post's card is the post itself). */
  private readonly cards = new Map<string, string>();
  /**
   * Posts of resolved tickets, archived. Posting in an archived post reopens it (Discord
   * unarchives on send), and the resolve's own lines (the notice, the farewell) come after the
   * card: each post there archives it again, so the forum's open list stays the open work.
   */
  private readonly resolved = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly channels: ChannelDirectory,
    private readonly tags: ForumTags,
  ) {}

  async open(req: { destination: string; card: TicketCard; key?: string }): Promise<ThreadRef> {
    const message = { ...ticketCard(req.card), allowed_mentions: noMentions };
    if (await this.channels.isForum(req.destination)) {
      const applied_tags = await this.tags.applied(req.destination, req.card);
      const post = (await this.rest.post(Routes.threads(req.destination), {
        body: { name: postName(req.card), auto_archive_duration: AUTO_ARCHIVE_MINUTES, applied_tags, message },
      })) as { id: string };
      return { containerId: req.destination, threadId: post.id };
    }
    const thread = (await this.rest.post(Routes.threads(req.destination), {
      body: { name: postName(req.card), auto_archive_duration: AUTO_ARCHIVE_MINUTES, type: 11 },
    })) as { id: string };
    const nonce = partNonce(req.key, 0);
    const card = (await this.rest.post(Routes.channelMessages(thread.id), { body: { ...message, ...(nonce ? { nonce, enforce_nonce: true } : {}) } })) as { id: string };
    this.cards.set(thread.id, card.id);
    return { containerId: req.destination, threadId: thread.id };
  }

  /**
   * Edits the card in place and sets the status tag. An archived post is reopened first (Discord
   * refuses edits in it, 50083); a resolved ticket's post is archived again after, so the
   * forum's open list is the open work.
   */
  async update(thread: ThreadRef, card: TicketCard): Promise<void> {
    const forum = await this.channels.isForum(thread.containerId);
    const cardId = forum ? thread.threadId : await this.cardOf(thread.threadId);
    const edit = () => this.rest.patch(Routes.channelMessage(thread.threadId, cardId), { body: { ...ticketCard(card), allowed_mentions: noMentions } });
    try {
      await edit();
    } catch (err) {
      if (discordCode(err) !== 50083) throw err;
      await this.rest.patch(Routes.channel(thread.threadId), { body: { archived: false } });
      await edit();
    }
    const body: Record<string, unknown> = {};
    if (forum) body.applied_tags = await this.tags.applied(thread.containerId, card);
    if (card.status === 'resolved') {
      body.archived = true;
      this.resolved.add(thread.threadId);
    } else this.resolved.delete(thread.threadId);
    if (Object.keys(body).length) await this.rest.patch(Routes.channel(thread.threadId), { body });
  }

  /**
   * After a post in a thread: a resolved ticket's post, which the post reopened, is archived
   * again. Never fails the post (it was made): a refused archive leaves the post listed until
   * the next post or card change.
   */
  async afterPost(threadId: string): Promise<void> {
    if (!this.resolved.has(threadId)) return;
    await this.rest.patch(Routes.channel(threadId), { body: { archived: true } }).catch(() => undefined);
  }

  /** The card of a text-channel thread: remembered, else its oldest message (Ponte's first post). */
  private async cardOf(threadId: string): Promise<string> {
    const known = this.cards.get(threadId);
    if (known) return known;
    const list = (await this.rest.get(Routes.channelMessages(threadId), { query: new URLSearchParams({ limit: '100' }) })) as { id: string }[];
    const oldest = list.reduce<string | undefined>((min, m) => (min === undefined || BigInt(m.id) < BigInt(min) ? m.id : min), undefined);
    if (!oldest) throw new Error(`the thread ${threadId} has no card`);
    this.cards.set(threadId, oldest);
    return oldest;
  }
}
