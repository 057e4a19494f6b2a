/**
 * Text → Discord message content. ONE function, so the neutral rich-text renderer can replace
 * it: today the incoming text is plain, and every Discord Markdown character is escaped so a
 * customer cannot format, quote, spoiler, list, mask a link or head a line. Mentions are never allowed by the
 * messages themselves (`allowed_mentions: {parse: []}` on every post: noMentions).
 */
export function renderText(text: string): string {
  return text.replace(/[\\*_~|`>#<[\]]/g, (c) => `\\${c}`).replace(/^(\s*)([-+]) /gm, '$1\\$2 ');
}

/** On every message Ponte sends: nothing in it pings anyone. */
export const noMentions = { parse: [] as string[] };

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
