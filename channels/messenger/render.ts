import type { CustomerMessageEvent, MediaKind, MediaRef } from '../../src/core/events.js';
import type { Attachment, Message, Referral } from './schema.js';

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Attachment types whose bytes the core fetches and mirrors into the thread. */
const MEDIA: Record<string, MediaKind> = { image: 'image', video: 'video', audio: 'audio', file: 'document', sticker: 'sticker' };

/**
 * During Meta's transitions one item arrives twice under two types (same URL or sticker id): a
 * sticker also as `image` (until Aug 2026), an Instagram post also as `share` (Nov 2025 –
 * Feb 2026). The newer type wins, so the customer's one item is shown once.
 */
const SUPERSEDES: Record<string, string> = { sticker: 'image', ig_post: 'share' };

export interface RenderedAttachments {
  lines: string[];
  media: MediaRef[];
}

/** A readable line per attachment, and a media reference for the files. */
export function renderAttachments(list: Attachment[]): RenderedAttachments {
  const out: RenderedAttachments = { lines: [], media: [] };
  const kept = list.filter((a) => !list.some((b) => SUPERSEDES[b.type] === a.type && sameItem(a, b)));
  for (const a of kept) {
    // A link shared without a preview (`fallback`) may carry its title and URL on the attachment
    // itself, with `payload: null` (Meta's reference writes the key `URL`).
    const url = str(a.payload?.url) ?? str(a.url) ?? str(a.URL);
    const base = MEDIA[a.type];
    if (base && url) {
      // Before the `sticker` type, a sticker was an image carrying its sticker_id.
      const kind = base === 'image' && a.payload?.sticker_id !== undefined ? 'sticker' : base;
      const filename = kind === 'document' ? fileNameOf(url) : undefined;
      out.media.push({ kind, url, ...(filename ? { filename } : {}) });
      out.lines.push(kind === 'sticker' ? '[sticker]' : filename ? `[${a.type}] ${filename}` : `[${a.type}]`);
      continue;
    }
    out.lines.push(describe(a, url));
  }
  return out;
}

/** The same URL, or the same sticker. */
function sameItem(a: Attachment, b: Attachment): boolean {
  const url = str(a.payload?.url);
  const sticker = a.payload?.sticker_id;
  return (url !== undefined && url === str(b.payload?.url)) || (sticker !== undefined && sticker === b.payload?.sticker_id);
}

/**
 * An Instagram share may carry only the shared item's id (no link, no title): the id is shown,
 * so the agent can say which item it was. The key names the kind of item.
 */
const SHARED_ID_KEYS = ['story_media_id', 'reel_video_id', 'ig_post_media_id', 'media_id', 'id'] as const;

function sharedId(p: Record<string, unknown>): string | undefined {
  for (const key of SHARED_ID_KEYS) {
    const v = p[key];
    if (typeof v === 'number' || str(v)) return String(v).trim();
  }
  return undefined;
}

/** Shares, links, reels, stories, templates and anything newer: what it is, its title and its link, never silence. */
function describe(a: Attachment, url: string | undefined): string {
  const p = a.payload ?? {};
  const title = str(p.title) ?? str(p.name) ?? str(a.title);
  // Without a link, the shared item's id stands in (`story_media_id` 1789…).
  const shared = (label: string) => [label, title, url ?? (sharedId(p) ? `(id ${sharedId(p)})` : undefined)].filter(Boolean).join(' ');
  switch (a.type) {
    case 'fallback':
      return url || title ? ['[link]', title, url].filter(Boolean).join(' ') : '[shared content that Meta does not pass on]';
    case 'share':
    case 'ig_post':
    case 'post':
      return shared('[shared post]');
    case 'reel':
    case 'ig_reel':
      return shared('[reel]');
    case 'ig_story':
    case 'story':
      return shared('[shared story]');
    case 'template':
      return ['[template]', title ?? str((p.elements as { title?: unknown }[] | undefined)?.[0]?.title), url].filter(Boolean).join(' ');
    case 'location': {
      const c = p.coordinates as { lat?: unknown; long?: unknown } | undefined;
      const lat = Number(c?.lat);
      const lon = Number(c?.long);
      const map = Number.isFinite(lat) && Number.isFinite(lon) ? `https://maps.google.com/?q=${lat},${lon}` : url;
      return ['[location]', title, map].filter(Boolean).join(' ');
    }
    default:
      // A media type without a URL, or a type Meta added later.
      return [`[${a.type}]`, title, url].filter(Boolean).join(' ') + (url || title ? '' : ' (not shown by Ponte)');
  }
}

/** The last path segment when it looks like a file name (Meta's CDN keeps the uploaded name). */
function fileNameOf(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last && /\.[a-z0-9]{2,5}$/i.test(last) ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** The readable text of a customer's message: their words, then a line per attachment or notice. */
export function messageText(m: Message, attachments: RenderedAttachments, platform: string): string {
  const lines: string[] = [];
  // A quick reply's text is the button's title; its payload stands in only when there is none.
  const words = str(m.text) ? m.text : str(m.quick_reply?.payload);
  if (words) lines.push(words);
  const story = m.reply_to?.story;
  if (story) lines.push(['[reply to your story]', str(story.url)].filter(Boolean).join(' '));
  lines.push(...attachments.lines);
  if (m.is_unsupported) lines.push(`[a message ${platform} does not pass on to apps]`);
  return lines.length ? lines.join('\n') : '[empty message]';
}

/** The platform's word for what this message is, shown until the channel renders it. */
export function messageKind(m: Message): string {
  if (m.is_unsupported) return 'unsupported';
  if (str(m.text) || str(m.quick_reply?.payload)) return 'text';
  return m.attachments?.[0]?.type ?? 'text';
}

/** Reactions name an emoji; older payloads may only carry the reaction's name. */
const REACTION_EMOJI: Record<string, string> = {
  like: '\u{1F44D}',
  dislike: '\u{1F44E}',
  love: '\u{2764}\u{FE0F}',
  smile: '\u{1F606}',
  laugh: '\u{1F606}',
  wow: '\u{1F62E}',
  sad: '\u{1F622}',
  angry: '\u{1F620}',
};

export function reactionEmoji(emoji: string | undefined, name: string | undefined): string | null {
  return str(emoji) ?? (name ? (REACTION_EMOJI[name] ?? null) : null);
}

/** Click-to-Messenger/Instagram ads and m.me/ig.me links: where the customer came from. */
export function toReferral(r: Referral | undefined): CustomerMessageEvent['referral'] {
  if (!r) return undefined;
  const ad = r.ads_context_data;
  const headline = str(ad?.ad_title) ?? str(r.ref);
  const url = str(ad?.photo_url) ?? str(ad?.video_url);
  return { source: str(r.source)?.toLowerCase() ?? 'unknown', ...(headline ? { headline } : {}), ...(url ? { url } : {}) };
}
