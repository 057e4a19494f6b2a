import { randomBytes } from 'node:crypto';
import type { PlaygroundChannel } from './business.js';

/** A file the emulator holds: a customer's (sent from the page) or one Ponte uploaded. */
export interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
  filename?: string;
}

// The playground lives in memory; a long session should not grow without bound.
const MAX_FILES = 200;

/** Graph's media store: numeric ids, as Meta's are. */
export class MediaStore {
  private readonly files = new Map<string, StoredMedia>();
  private seq = 0;

  add(file: StoredMedia): string {
    this.seq += 1;
    const id = String(8_100_000_000_000_000 + this.seq);
    this.files.set(id, file);
    if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value!);
    return id;
  }

  get(id: string): StoredMedia | undefined {
    return this.files.get(id);
  }
}

/** Where a message is, from the emulator's side: queued at Meta, then each status Meta reports. */
export type ItemStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message in a customer's chat, as the page shows it. */
export interface FeedItem {
  id: string;
  channel: PlaygroundChannel;
  /** The customer (wa_id, PSID or IGSID). */
  user: string;
  from: 'customer' | 'business';
  kind: string;
  text?: string;
  media?: { id?: string; link?: string; mimeType?: string; filename?: string };
  template?: string;
  status: ItemStatus;
  reactions: { customer?: string; business?: string };
  at: number;
}

const ORDER: ItemStatus[] = ['accepted', 'sent', 'delivered', 'read'];

/** Only forward (a status never moves a message back); `failed` ends it. */
export function isForward(from: ItemStatus, to: ItemStatus): boolean {
  if (from === 'failed') return false;
  if (to === 'failed') return true;
  return ORDER.indexOf(to) > ORDER.indexOf(from);
}

const key = (channel: PlaygroundChannel, user: string) => `${channel}:${user}`;

/** Every customer's chat with the business, per channel, and the name each customer chose. */
export class Conversations {
  private readonly chats = new Map<string, FeedItem[]>();
  private readonly index = new Map<string, FeedItem>();
  private readonly names = new Map<string, string>();

  add(item: FeedItem): FeedItem {
    let chat = this.chats.get(key(item.channel, item.user));
    if (!chat) this.chats.set(key(item.channel, item.user), (chat = []));
    chat.push(item);
    this.index.set(item.id, item);
    return item;
  }

  find(id: string): FeedItem | undefined {
    return this.index.get(id);
  }

  list(channel: PlaygroundChannel, user: string): readonly FeedItem[] {
    return this.chats.get(key(channel, user)) ?? [];
  }

  /** The name the customer chose on the page (the User Profile API answers with it). */
  setName(channel: PlaygroundChannel, user: string, name: string): void {
    this.names.set(key(channel, user), name);
  }

  nameOf(channel: PlaygroundChannel, user: string): string | undefined {
    return this.names.get(key(channel, user));
  }
}

/** A message id in the channel's shape: WhatsApp `wamid.…`, Messenger `m_…`, Instagram base64 `aWdf…`. */
export function newMessageId(channel: PlaygroundChannel): string {
  const tail = randomBytes(24).toString('base64url');
  return channel === 'whatsapp' ? `wamid.${tail}` : channel === 'messenger' ? `m_${tail}` : `aWdfZAG1faXRlbTpJR01lc3NhZAGlk${tail}`;
}
