import { createHash } from 'node:crypto';
import { Conversations, newWamid, type FeedItem } from './store.js';
import type { PlaygroundState } from './state.js';

/** What the page asks to send on the customer's behalf. */
export interface CustomerInput {
  user: string;
  name: string;
  text?: string;
  file?: { name: string; type: string; bytes: Buffer };
  reaction?: { messageId: string; emoji: string };
}

/** A WhatsApp kind for a file, by its type (WhatsApp takes JPEG/PNG images and MP4/3GP videos). */
function kindOf(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(mimeType)) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(mimeType)) return 'video';
  if (/^audio\//.test(mimeType)) return 'audio';
  return 'document';
}

/**
 * The customer writes: the message is added to their chat and sent to Ponte as Meta would
 * (a signed `messages` webhook through the real `/webhooks/meta` route). A file goes into the
 * emulator's media store first, so Ponte fetches it the real way (`GET /{media-id}`, then the
 * URL with the token). Resolves with the chat item, `failed` when Ponte did not answer 200.
 */
export async function customerSends(state: PlaygroundState, input: CustomerInput): Promise<FeedItem> {
  const key = Conversations.key('whatsapp', input.user);
  const id = newWamid();
  const contact = { waId: input.user, name: input.name };
  let message: Record<string, unknown>;
  let item: FeedItem;
  if (input.reaction) {
    const target = state.chats.find(input.reaction.messageId);
    if (!target || target.key !== key) throw new Error('that message is not in this chat');
    target.item.reactions.customer = input.reaction.emoji || undefined;
    message = { id, type: 'reaction', reaction: { message_id: input.reaction.messageId, emoji: input.reaction.emoji } };
    const code = await state.webhooks.message(contact, message);
    if (code !== 200) throw new Error(`Ponte answered ${code}`);
    return target.item;
  }
  if (input.file) {
    const { bytes, type, name } = input.file;
    const kind = kindOf(type);
    const mediaId = state.media.add({ bytes, mimeType: type, filename: name });
    const media: Record<string, unknown> = { mime_type: type, sha256: createHash('sha256').update(bytes).digest('base64'), id: mediaId };
    if (input.text && kind !== 'audio') media.caption = input.text;
    if (kind === 'document') media.filename = name;
    message = { id, type: kind, [kind]: media };
    item = { id, from: 'customer', kind, text: kind === 'audio' ? undefined : input.text, media: { id: mediaId, mimeType: type, filename: name }, status: 'accepted', reactions: {}, at: Date.now() };
  } else {
    message = { id, type: 'text', text: { body: input.text ?? '' } };
    item = { id, from: 'customer', kind: 'text', text: input.text ?? '', status: 'accepted', reactions: {}, at: Date.now() };
  }
  state.chats.add(key, item);
  const code = await state.webhooks.message(contact, message).catch(() => 0);
  // Delivered: Ponte has it (2xx is durable, DESIGN §7). Read comes when Ponte marks it read.
  if (item.status === 'accepted') item.status = code === 200 ? 'delivered' : 'failed';
  return item;
}
