import { createHash } from 'node:crypto';
import type { PlaygroundChannel } from './business.js';
import { newMessageId, type FeedItem } from './store.js';
import type { PlaygroundState } from './state.js';

/** What the page asks to send on the customer's behalf. */
export interface CustomerInput {
  channel: PlaygroundChannel;
  user: string;
  name: string;
  text?: string;
  file?: { name: string; type: string; bytes: Buffer };
  reaction?: { messageId: string; emoji: string };
}

/** Where the emulator serves a customer's Messenger/Instagram file (Meta's CDN, in reality). */
export type CdnUrl = (mediaId: string, filename: string) => string;

/** A WhatsApp kind for a file, by its type (WhatsApp takes JPEG/PNG images and MP4/3GP videos). */
function whatsappKind(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(mimeType)) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(mimeType)) return 'video';
  if (/^audio\//.test(mimeType)) return 'audio';
  return 'document';
}

/** A Messenger/Instagram attachment type for a file. */
function attachmentType(mimeType: string): 'image' | 'video' | 'audio' | 'file' {
  const top = mimeType.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

/**
 * The customer writes: the message is added to their chat and sent to Ponte as Meta would (a
 * signed webhook through the real `/webhooks/meta` route). A file goes into the emulator's
 * media store first, so Ponte fetches it the real way: on WhatsApp by media id (`GET
 * /{media-id}`, then the URL with the token), on Messenger/Instagram from the URL in the
 * webhook (the emulator's CDN). Resolves with the chat item, `failed` when Ponte did not
 * answer 200.
 */
export async function customerSends(state: PlaygroundState, cdnUrl: CdnUrl, input: CustomerInput): Promise<FeedItem> {
  const { channel, user } = input;
  state.chats.setName(channel, user, input.name);
  if (input.reaction) return react(state, input, input.reaction);
  const id = newMessageId(channel);
  const item: FeedItem = { id, channel, user, from: 'customer', kind: 'text', text: input.text, status: 'accepted', reactions: {}, at: Date.now() };
  let mediaId: string | undefined;
  if (input.file) {
    const { bytes, type, name } = input.file;
    mediaId = state.media.add({ bytes, mimeType: type, filename: name });
    item.media = { id: mediaId, mimeType: type, filename: name };
  }
  let post: () => Promise<number>;
  if (channel === 'whatsapp') {
    const message = whatsappMessage(id, input, mediaId);
    item.kind = message.type as string;
    if (item.kind === 'audio') item.text = undefined;
    post = () => state.webhooks.whatsappMessage({ waId: user, name: input.name }, message);
  } else {
    const attachment = input.file && mediaId ? { type: attachmentType(input.file.type), payload: { url: cdnUrl(mediaId, input.file.name) } } : undefined;
    if (attachment) item.kind = attachment.type === 'file' ? 'document' : attachment.type;
    const message = { mid: id, ...(input.text ? { text: input.text } : {}), ...(attachment ? { attachments: [attachment] } : {}) };
    post = () => state.webhooks.messaging(channel, user, { message });
  }
  state.chats.add(item);
  const code = await post().catch(() => 0);
  // Delivered: Ponte has it (2xx is durable, DESIGN §7). Read comes when Ponte marks it read.
  if (item.status === 'accepted') item.status = code === 200 ? 'delivered' : 'failed';
  return item;
}

function whatsappMessage(id: string, input: CustomerInput, mediaId: string | undefined): Record<string, unknown> {
  if (!input.file || !mediaId) return { id, type: 'text', text: { body: input.text ?? '' } };
  const { bytes, type, name } = input.file;
  const kind = whatsappKind(type);
  const media: Record<string, unknown> = { mime_type: type, sha256: createHash('sha256').update(bytes).digest('base64'), id: mediaId };
  if (input.text && kind !== 'audio') media.caption = input.text;
  if (kind === 'document') media.filename = name;
  return { id, type: kind, [kind]: media };
}

/** A reaction to one of the business's messages (an empty emoji takes it back). */
async function react(state: PlaygroundState, input: CustomerInput, reaction: { messageId: string; emoji: string }): Promise<FeedItem> {
  const target = state.chats.find(reaction.messageId);
  if (!target || target.channel !== input.channel || target.user !== input.user) throw new Error('that message is not in this chat');
  target.reactions.customer = reaction.emoji || undefined;
  const code = input.channel === 'whatsapp'
    ? await state.webhooks.whatsappMessage({ waId: input.user, name: input.name }, { id: newMessageId('whatsapp'), type: 'reaction', reaction: { message_id: reaction.messageId, emoji: reaction.emoji } })
    : await state.webhooks.messaging(input.channel, input.user, {
      reaction: reaction.emoji
        ? { mid: reaction.messageId, action: 'react', reaction: 'other', emoji: reaction.emoji }
        : { mid: reaction.messageId, action: 'unreact' },
    });
  if (code !== 200) throw new Error(`Ponte answered ${code}`);
  return target;
}
