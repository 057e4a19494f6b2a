import type { MediaKind } from '../core/events.js';

/** Kinds whose messages show a caption (audio and stickers do not). */
export const captioned = (kind: MediaKind): boolean => kind === 'image' || kind === 'video' || kind === 'document';

/** The kind of message a file makes, by its MIME family (the channel may still send it as a document). */
export function mediaKindOf(mimeType: string): MediaKind {
  const family = mimeType.split('/')[0]?.toLowerCase();
  if (family === 'image') return mimeType.toLowerCase() === 'image/webp' ? 'sticker' : 'image';
  if (family === 'video') return 'video';
  if (family === 'audio') return 'audio';
  return 'document';
}
