/**
 * `!resolve [silent] [in 30m] [keep-on-reply] [reason…]` and `!resolve cancel`, in any order
 * of the flags; what is left is the reason.
 */
export type ResolveArgs =
  | { kind: 'now'; silent: boolean; reason: string }
  | { kind: 'later'; silent: boolean; reason: string; delayMs: number; keepOnReply: boolean }
  | { kind: 'cancel' }
  | { kind: 'bad_delay'; word: string };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longest delay accepted: a week (a scheduled close is for "if they don't answer", not a calendar). */
export const MAX_DELAY_MS = 7 * 86_400_000;

export function parseResolveArgs(args: string): ResolveArgs {
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length === 1 && words[0]!.toLowerCase() === 'cancel') return { kind: 'cancel' };
  let silent = false;
  let keepOnReply = false;
  let delayMs: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.toLowerCase();
    if (w === 'silent') silent = true;
    else if (w === 'keep-on-reply' || w === 'keep') keepOnReply = true;
    else if (w === 'in' && i + 1 < words.length && delayMs === undefined) {
      const m = /^(\d{1,4})(s|m|min|h|d)$/.exec(words[++i]!.toLowerCase());
      if (!m) return { kind: 'bad_delay', word: words[i]! };
      delayMs = Number(m[1]) * UNIT_MS[m[2]!]!;
      if (delayMs <= 0 || delayMs > MAX_DELAY_MS) return { kind: 'bad_delay', word: words[i]! };
    } else rest.push(words[i]!);
  }
  const reason = rest.join(' ');
  return delayMs === undefined ? { kind: 'now', silent, reason } : { kind: 'later', silent, reason, delayMs, keepOnReply };
}
