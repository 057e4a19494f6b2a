import { asRich, type Rich, type Span } from '../../src/core/rich-text.js';

/**
 * The core's neutral rich text → Discord Markdown. Every word (a template's text or a value a
 * customer controls) is escaped, so nobody's text can format, quote, spoiler, list, mask a link
 * or head a line; mentions, channels and links are built only here. Mentions render as names
 * and ping nobody (`allowed_mentions: {parse: []}`, noMentions), except the people a thread
 * notice names on purpose (pingsIn: an assignee being told). A string (a
 * row queued before rich text) is shown as plain words.
 */
export function toMarkdown(value: Rich | string): string {
  return asRich(value).map(span).join('');
}

function span(s: Span): string {
  if ('text' in s) return renderText(s.text);
  if ('strong' in s) return `**${toMarkdown(s.strong)}**`;
  if ('em' in s) return `*${toMarkdown(s.em)}*`;
  // Inside code nothing is escaped; a backtick in it takes the double-backtick form.
  if ('code' in s) return s.code.includes('`') ? `\`\` ${s.code.replace(/``+/g, '`\u200b`')} \`\`` : `\`${s.code}\``;
  if ('user' in s) return `<@${s.user}>`;
  if ('channel' in s) return `<#${s.channel}>`;
  // `<url>` keeps Discord from embedding a preview; the label is words.
  if ('link' in s) return `[${renderText(s.label)}](<${s.link.replace(/[<>()\s]/g, encodeURIComponent)}>)`;
  return `> ${toMarkdown(s.quote).replace(/\n/g, '\n> ')}`;
}

/** Plain words → Discord content: every Markdown character escaped (customer text, names, labels). */
export function renderText(text: string): string {
  return text.replace(/[\\*_~|`>#<[\]]/g, (c) => `\\${c}`).replace(/^(\s*)([-+]) /gm, '$1\\$2 ');
}

/** On every message Ponte sends: nothing in it pings anyone. */
export const noMentions = { parse: [] as string[] };

/**
 * A thread notice pings exactly the people its `user` spans name (the core mentions an assignee
 * on purpose: routing, a transfer, a customer back after a quiet while); nothing else pings.
 */
export function pingsIn(value: Rich | string): { parse: string[]; users?: string[] } {
  const users = new Set<string>();
  const walk = (spans: Span[]) => {
    for (const s of spans) {
      if ('user' in s) users.add(s.user);
      else if ('strong' in s) walk(s.strong);
      else if ('em' in s) walk(s.em);
      else if ('quote' in s) walk(s.quote);
    }
  };
  walk(asRich(value));
  return users.size ? { parse: [], users: [...users].slice(0, 100) } : noMentions;
}

/**
 * Splits content into parts of at most `max` characters, in order, preferring a line break or
 * a space near the end of each part and never cutting an escape (`\*`) in two.
 */
export function splitText(text: string, max = 2000): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    while (cut > 1 && rest[cut - 1] === '\\' && !escaped(rest, cut - 1)) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, ''); // the line break or space cut at goes with the cut
  }
  if (rest.length || parts.length === 0) parts.push(rest);
  return parts;
}

/** Whether the backslash at `i` is itself escaped (preceded by an odd run of backslashes). */
function escaped(text: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}
