/**
 * Neutral rich text: what the core writes for agents (notices, command answers, alerts). It
 * names no platform's markup: each bridge renders it (Slack: mrkdwn; Discord: Markdown) and
 * escapes every `text` node for its own markup, so a value the customer controls (a profile
 * name, story text, a note) stays words wherever it is embedded. JSON-serialisable: it travels
 * in outbox payloads and is stored with system messages.
 */
export type Span =
  | { text: string }
  | { strong: Span[] }
  | { em: Span[] }
  | { code: string }
  /** A person on the agent platform, by the platform's user id. */
  | { user: string }
  /** A channel on the agent platform, by the platform's channel id. */
  | { channel: string }
  | { link: string; label: string }
  /** A quoted line (the bridge starts it on its own line). */
  | { quote: Span[] };

export type Rich = Span[];

/** What a template's `{placeholder}` may be filled with: words (never parsed) or spans. */
export type RichValue = string | number | Span | Rich;

export const text = (value: string | number): Span => ({ text: String(value) });
export const strong = (...inner: RichValue[]): Span => ({ strong: rich(...inner) });
export const code = (value: string): Span => ({ code: value });
export const mention = (userId: string): Span => ({ user: userId });
export const channel = (channelId: string): Span => ({ channel: channelId });
export const link = (url: string, label: string): Span => ({ link: url, label });

/** Values → one Rich: strings and numbers are literal words; spans are kept as they are. */
export function rich(...values: RichValue[]): Rich {
  const out: Rich = [];
  for (const v of values) {
    if (typeof v === 'string' || typeof v === 'number') out.push(text(v));
    else if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Joins Rich parts with a separator (plain words), as `Array.join` does for strings. */
export function joinRich(parts: RichValue[], separator: string): Rich {
  const out: Rich = [];
  parts.forEach((p, i) => {
    if (i > 0 && separator) out.push(text(separator));
    out.push(...rich(p));
  });
  return out;
}

/** Rich → plain words (logs, search, message history, platforms without markup). */
export function plain(value: Rich | string): string {
  if (typeof value === 'string') return value;
  return value.map(plainSpan).join('');
}

function plainSpan(s: Span): string {
  if ('text' in s) return s.text;
  if ('strong' in s) return plain(s.strong);
  if ('em' in s) return plain(s.em);
  if ('code' in s) return s.code;
  if ('user' in s) return `@${s.user}`;
  if ('channel' in s) return `#${s.channel}`;
  if ('link' in s) return s.label === s.link ? s.link : `${s.label} (${s.link})`;
  return `> ${plain(s.quote)}`;
}

/**
 * A text posted before Ponte stored rich text (a queued row from an older version) is shown as
 * plain words; a Rich is itself.
 */
export function asRich(value: Rich | string): Rich {
  return typeof value === 'string' ? [text(value)] : value;
}

export function isRich(value: unknown): value is Rich {
  return Array.isArray(value) && value.every((s) => typeof s === 'object' && s !== null);
}
