import type { Logger } from '../../../src/logger.js';
import { Conversations, MediaStore, isForward, type FeedItem, type ItemStatus } from './store.js';
import type { WebhookSender } from './webhooks.js';

/** How long after accepting a message the emulator reports it `sent` (Meta: about a second). */
const SENT_AFTER_MS = 400;

/**
 * What the playground knows, shared by its two faces: the Graph API emulator (Ponte's side) and
 * the page (the customer's side). It moves each message through its statuses and tells Ponte
 * about each step with a signed webhook, as Meta would: `sent` shortly after accepting it,
 * `delivered` when the customer's phone (the page) has fetched it, `read` when the page has
 * shown it to the person.
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
  businessSent(key: string, recipient: string, item: Omit<FeedItem, 'from' | 'status' | 'reactions' | 'at'>): FeedItem {
    const added = this.chats.add(key, { ...item, from: 'business', status: 'accepted', reactions: {}, at: Date.now() });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.advance(added, recipient, 'sent');
    }, SENT_AFTER_MS);
    this.timers.add(timer);
    return added;
  }

  /** The page fetched the chat: what was sent to it is now on the phone. */
  fetched(key: string, recipient: string): void {
    for (const item of this.chats.list(key)) {
      if (item.from === 'business' && item.status === 'sent') void this.advance(item, recipient, 'delivered');
    }
  }

  /** The page showed these messages to the person. */
  seen(key: string, recipient: string, ids: string[]): void {
    const wanted = new Set(ids);
    for (const item of this.chats.list(key)) {
      if (item.from === 'business' && wanted.has(item.id) && item.status === 'delivered') void this.advance(item, recipient, 'read');
    }
  }

  /** Ponte marked a customer's message read (blue ticks on the customer's side). */
  markedRead(id: string): boolean {
    const found = this.chats.find(id);
    if (!found || found.item.from !== 'customer') return false;
    if (isForward(found.item.status, 'read')) found.item.status = 'read';
    return true;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async advance(item: FeedItem, recipient: string, status: Exclude<ItemStatus, 'accepted' | 'failed'>): Promise<void> {
    if (this.closed || !isForward(item.status, status)) return;
    item.status = status;
    try {
      const code = await this.webhooks.status(item.id, recipient, status);
      if (code !== 200) this.log.warn({ code, status }, 'playground: Ponte refused a status webhook');
    } catch (err) {
      if (!this.closed) this.log.warn({ err: (err as Error).message, status }, 'playground: could not post a status webhook');
    }
  }
}
