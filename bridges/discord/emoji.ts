import { get as emojiByName } from 'node-emoji';

/** The names the core uses for its marks (Slack's standard short names) → unicode, which Discord takes. */
const MARKS: Record<string, string> = {
  heavy_check_mark: '✔️',
  white_check_mark: '✅',
  eyes: '👀',
  x: '❌',
  lock: '🔒',
};

/** A short name (`white_check_mark`) or a unicode emoji → what Discord's reaction route takes, or undefined. */
export function discordEmoji(name: string): string | undefined {
  const n = name.trim().replace(/^:|:$/g, '');
  if (MARKS[n]) return MARKS[n];
  if (/^[\w+-]+$/.test(n)) return emojiByName(n) ?? undefined;
  return n || undefined;
}
