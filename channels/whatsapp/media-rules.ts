import type { MediaKind } from '../../src/core/events.js';
import type { FileBytes } from '../../src/core/ports.js';

/**
 * Cloud API's supported media types (everything else travels as a document): images JPEG and
 * PNG; video MP4 and 3GPP; audio AAC, AMR, MP3, MP4 audio and OGG with the Opus codec only;
 * stickers WebP.
 */
const ACCEPTED: Record<Exclude<MediaKind, 'document'>, readonly string[]> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp', 'video/3gp'],
  audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  sticker: ['image/webp'],
};

/** Kinds that take a caption (audio and stickers do not). */
export const CAPTIONED: ReadonlySet<MediaKind> = new Set(['image', 'video', 'document']);

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export const baseMime = (mime: string | undefined): string => (mime ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * The kind to send a file as: the core's hint when WhatsApp accepts that mime type as that
 * kind and the file is within that kind's size limit, else `document` (which takes any type, up
 * to 100 MB). `limits` are the channel's `maxMediaBytes`.
 */
export function sendableKind(hint: MediaKind, file: FileBytes, limits: Record<MediaKind, number>): MediaKind {
  if (hint === 'document') return 'document';
  const mime = baseMime(file.mimeType);
  if (!ACCEPTED[hint].includes(mime)) return 'document';
  if (mime === 'audio/ogg' && !isOpus(file)) return 'document';
  // A photo over 5 MB still reaches the customer, as a file, rather than not at all.
  if (file.bytes.length > limits[hint]) return 'document';
  return hint;
}

/**
 * Ogg with the Opus codec: said by the mime type's `codecs` parameter, or seen in the stream's
 * first page, whose first packet starts with the `OpusHead` signature (RFC 7845).
 */
function isOpus(file: FileBytes): boolean {
  if (/codecs\s*=\s*"?opus/i.test(file.mimeType)) return true;
  const head = file.bytes.subarray(0, 96);
  return head.subarray(0, 4).toString('latin1') === 'OggS' && head.includes('OpusHead', 0, 'latin1');
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif',
  'video/mp4': 'mp4', 'video/3gpp': '3gp', 'video/3gp': '3gp',
  'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/amr': 'amr',
  'application/pdf': 'pdf', 'text/plain': 'txt', 'application/msword': 'doc', 'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** A file extension for a mime type, for files that arrive without a name. */
export function extensionFor(mime: string | undefined): string {
  const base = baseMime(mime);
  const known = EXTENSIONS[base];
  if (known) return known;
  const sub = base.split('/')[1] ?? '';
  return /^[a-z0-9]{2,5}$/.test(sub) ? sub : 'bin';
}

/** "5 MB", "500 KB": limits as people say them. */
export function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
