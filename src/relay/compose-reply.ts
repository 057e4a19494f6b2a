import type { ChannelCapabilities } from '../core/ports.js';

/**
 * The agent's signature. By default as the seeds render it: `*Maria:*` + newline + text
 * (WhatsApp bold). An admin's format (`/ponte signature format`) uses {name} and, optionally,
 * {text}; without {text} the signature goes on its own line above the message.
 */
export function signReply(agentName: string | null, text: string, caps: ChannelCapabilities, format?: string | null): string {
  if (!agentName) return text;
  const name = agentName.replace(/[*_~`]/g, '');
  if (format) {
    const filled = format.replace(/\{name\}/g, name);
    return filled.includes('{text}') ? filled.replace(/\{text\}/g, text) : `${filled}\n${text}`;
  }
  return caps.boldStyle === 'asterisk' ? `*${name}:*\n${text}` : `${name}:\n${text}`;
}

/**
 * Splits text into parts of at most `max` UTF-16 units (what platforms' "characters" limits
 * count at most), preferring to cut at a paragraph, then a line, then a word, and never
 * inside a surrogate pair.
 */
export function splitText(text: string, max: number): string[] {
  if (max < 2) throw new RangeError('splitText needs room for at least one character pair');
  const parts: string[] = [];
  let rest = text.replace(/^[ \n]+/, '');
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = ['\n\n', '\n', ' '].map((sep) => window.lastIndexOf(sep)).find((i) => i > max / 2) ?? -1;
    if (cut <= 0) {
      cut = max;
      const unit = rest.charCodeAt(cut - 1);
      if (unit >= 0xd800 && unit <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}
