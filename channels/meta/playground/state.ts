import type { Logger } from '../../../src/logger.js';
import type { PlaygroundChannel } from './business.js';
import { Conversations, MediaStore, isForward, type FeedItem, type ItemStatus } from './store.js';
import type { WebhookSender } from './webhooks.js';

/** How long after accepting a message the emulator reports it `sent` (Meta: about a second). */
const SENT_AFTER_MS = 400;

type Step = Exclude<ItemStatus, 'accepted' | 'failed'>;

/**
 * What the playground knows, shared by its two faces: the Graph API emulator (Ponte's side) and
 * the page (the customer's side). It moves each of the business's messages through its statuses
 * and tells Ponte about each step as Meta would: `sent` shortly after accepting it, `delivered`
 * when the customer's phone (the page) has fetched it, `read` when the page has shown it to the
 * person. WhatsApp reports all three (`statuses`); Messenger reports `delivery` and `read`
 * watermarks; Instagram only `read`. Steps a channel does not report still show on the page.
 */
export class PlaygroundState {
  readonly media = new MediaStore();
  readonly chats = new Conversations();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    readonly webhooks: WebhookSender,
    private readonly log: Logger,
  ) {}

  /** A message the business sent (accepted by the emulator): `sent` follows by itself. */
  businessSent(item: Omit<FeedItem, 'from' | 'status' | 'reactions' | 'at'>): FeedItem {
    const added = this.chats.add({ ...item, from: 'business', status: 'accepted', reactions: {}, at: Date.now() });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.advance(added, 'sent');
    }, SENT_AFTER_MS);
    this.timers.add(timer);
    return added;
  }

  /** The page fetched the chat: what was sent to it is now on the phone. */
  fetched(channel: PlaygroundChannel, user: string): void {
    for (const item of this.chats.list(channel, user)) {
      if (item.from === 'business' && item.status === 'sent') void this.advance(item, 'delivered');
    }
  }

  /** The page showed these messages to the person. */
  seen(channel: PlaygroundChannel, user: string, ids: string[]): void {
    const wanted = new Set(ids);
    for (const item of this.chats.list(channel, user)) {
      if (item.from === 'business' && wanted.has(item.id) && item.status === 'delivered') void this.advance(item, 'read');
    }
  }

  /** Ponte marked a customer's message read (blue ticks on the customer's side). */
  markedRead(id: string): boolean {
    const item = this.chats.find(id);
    if (!item || item.from !== 'customer') return false;
    if (isForward(item.status, 'read')) item.status = 'read';
    return true;
  }

  /** Messenger/Instagram `mark_seen`: the whole chat is seen, not one message. */
  chatSeen(channel: PlaygroundChannel, user: string): void {
    for (const item of this.chats.list(channel, user)) {
      if (item.from === 'customer' && isForward(item.status, 'read')) item.status = 'read';
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async advance(item: FeedItem, status: Step): Promise<void> {
    if (this.closed || !isForward(item.status, status)) return;
    item.status = status;
    try {
      const code = await this.report(item, status);
      if (code !== undefined && code !== 200) this.log.warn({ code, status }, 'playground: Ponte refused a status webhook');
    } catch (err) {
      if (!this.closed) this.log.warn({ err: (err as Error).message, status }, 'playground: could not post a status webhook');
    }
  }

  /** The webhook Meta sends for this step on this channel, if it sends one. */
  private report(item: FeedItem, status: Step): Promise<number> | undefined {
    if (item.channel === 'whatsapp') return this.webhooks.whatsappStatus(item.id, item.user, status);
    if (item.channel === 'messenger') {
      if (status === 'delivered') return this.webhooks.messaging('messenger', item.user, { delivery: { mids: [item.id], watermark: Date.now() } });
      if (status === 'read') return this.webhooks.messaging('messenger', item.user, { read: { watermark: Date.now() } });
      return undefined;
    }
    return status === 'read' ? this.webhooks.messaging('instagram', item.user, { read: { mid: item.id } }) : undefined;
  }
}
