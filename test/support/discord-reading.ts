// Discord Markdown → what a person reads (agent-driver.ts `Reading`), the way the Discord client
// renders a message: backslash escapes show the character, code spans show their inside as
// typed, `**`/`*`/`_`/`__`/`~~`/`||` pairs are formatting, `# `, `-# ` and `> ` at a line's start
// are headings, subtext and quotes, `[label](url)` is a masked link and `<url>` an unembedded
// one. `<@id>` and `<@&id>` show as mentions and `@everyone`/`@here` as words: whether they ping
// is the message's `allowed_mentions` (none given: everything parsed pings). Bare URLs are not
// counted as links, like the Slack reader: a typed address shows the address it opens.
import type { Reading } from './agent-driver.js';

/** A message's `allowed_mentions`, as sent. */
export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
}

/** Private-use characters stand for literal text while the markers are read. */
const HOLD_BASE = 0xf0000;

export function readDiscordMarkdown(markdown: string, allowed?: AllowedMentions): Reading {
  const held: string[] = [];
  const hold = (literal: string) => String.fromCodePoint(HOLD_BASE + held.push(literal) - 1);
  const mentions: string[] = [];
  const links: Reading['links'] = [];
  const pings = (kind: 'users' | 'roles' | 'everyone', id?: string) => {
    if (!allowed) return true;
    if (allowed.parse?.includes(kind)) return true;
    if (kind === 'users' && id) return allowed.users?.includes(id) ?? false;
    if (kind === 'roles' && id) return allowed.roles?.includes(id) ?? false;
    return false;
  };

  // Left to right, as Discord parses: an escape (a backslash before punctuation) is that
  // character, so an escaped backtick opens no code span; inside a code span nothing is markup
  // (``…`` may hold a backtick, padded by spaces).
  let s = markdown.replace(/\\([^0-9A-Za-z\s])|``\s?([^]*?)\s?``|`([^`\n]+)`/g, (_m, escaped: string | undefined, double: string | undefined, single: string | undefined) =>
    hold(escaped ?? double ?? single ?? ''),
  );

  s = s.replace(/\[([^\]\n]*)\]\(<?(https?:\/\/[^\s<>()]+)>?\)/g, (_m, label: string, url: string) => {
    const shown = restore(unformat(label), held);
    links.push({ label: shown, url: restore(url, held) });
    return hold(shown);
  });
  s = s.replace(/<(https?:\/\/[^\s<>]+)>/g, (_m, url: string) => {
    links.push({ label: restore(url, held), url: restore(url, held) });
    return hold(restore(url, held));
  });
  s = s.replace(/<@(!|&)?(\d+)>/g, (_m, kind: string | undefined, id: string) => {
    const role = kind === '&';
    if (pings(role ? 'roles' : 'users', id)) mentions.push(`@${id}`);
    return hold(`@${id}`);
  });
  s = s.replace(/<#(\d+)>/g, (_m, id: string) => hold(`#${id}`));
  s = s.replace(/<t:(-?\d+)(?::[tTdDfFR])?>/g, (_m, at: string) => hold(new Date(Number(at) * 1000).toISOString()));
  s = s.replace(/<a?:(\w+):\d+>/g, (_m, name: string) => hold(`:${name}:`));
  for (const m of s.matchAll(/@(everyone|here)\b/g)) if (pings('everyone')) mentions.push(`@${m[1]}`);

  // Line starts: headings, subtext, quotes and list bullets are layout, not characters.
  s = s.replace(/^(?:>>> |> |#{1,3} |-# )/gm, '');
  return { text: restore(unformat(s), held), mentions, links };
}

/** Formatting pairs gone, innermost first, until none is left. */
function unformat(text: string): string {
  let s = text;
  for (let before = ''; before !== s; ) {
    before = s;
    s = s.replace(/(\*\*|__|~~|\|\||\*|_)(?=\S)([^\n]*?\S)\1/g, '$2');
  }
  return s;
}

function restore(text: string, held: string[]): string {
  // Held text may itself hold (a link's label): restore until nothing is left.
  let out = text;
  for (let i = 0; i < 5 && /[\u{f0000}-\u{fffff}]/u.test(out); i++) {
    out = out.replace(/[\u{f0000}-\u{fffff}]/gu, (c) => held[c.codePointAt(0)! - HOLD_BASE] ?? c);
  }
  return out;
}
