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
 * count at most) or, with unit 'bytes', `max` UTF-8 bytes (Instagram), preferring to cut at a
 * paragraph, then a line, then a word, and never inside a surrogate pair.
 */
export function splitText(text: string, max: number, unit: 'chars' | 'bytes' = 'chars'): string[] {
  if (max < (unit === 'bytes' ? 4 : 2)) throw new RangeError('splitText needs room for at least one character');
  const parts: string[] = [];
  let rest = text.replace(/^[ \n]+/, '');
  for (;;) {
    // How many UTF-16 units of `rest` fit in the limit.
    const room = unit === 'chars' ? max : unitsWithinBytes(rest, max);
    if (rest.length <= room) break;
    const window = rest.slice(0, room);
    let cut = ['\n\n', '\n', ' '].map((sep) => window.lastIndexOf(sep)).find((i) => i > room / 2) ?? -1;
    if (cut <= 0) {
      cut = room;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}

/** The longest prefix of `text`, in UTF-16 units, whose UTF-8 encoding fits in `maxBytes` (whole code points only). */
function unitsWithinBytes(text: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}
