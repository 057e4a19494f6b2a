import { get as emojiByName, which as nameOfEmoji } from 'node-emoji';

/**
 * Slack reaction names ⇄ unicode emoji. Slack names emoji after iamcal's emoji-data; node-emoji
 * uses emojilib, whose names mostly agree. Where they differ (or emojilib lacks the emoji) for
 * reactions people commonly use, Slack's own name is listed here: both directions read it first.
 */
const SLACK_NAMES: Record<string, string> = {
  // Ponte's own marks (delivery states, the note lock), which the core writes as unicode.
  heavy_check_mark: '✔️',
  white_check_mark: '✅',
  eyes: '👀',
  x: '❌',
  lock: '🔒',
  thumbsup: '👍',
  thumbsdown: '👎',
  thinking_face: '🤔',
  rolling_on_the_floor_laughing: '🤣',
  hugging_face: '🤗',
  face_with_rolling_eyes: '🙄',
  'star-struck': '🤩',
  smiling_face_with_3_hearts: '🥰',
  partying_face: '🥳',
  face_palm: '🤦',
  shrug: '🤷',
  smiling_face_with_tear: '🥲',
  face_with_symbols_on_mouth: '🤬',
  pleading_face: '🥺',
  face_holding_back_tears: '🥹',
  saluting_face: '🫡',
  heart_hands: '🫶',
  melting_face: '🫠',
  zany_face: '🤪',
  face_with_hand_over_mouth: '🤭',
  shushing_face: '🤫',
  face_with_monocle: '🧐',
  white_frowning_face: '☹️',
  pinched_fingers: '🤌',
  hand: '✋',
  people_hugging: '🫂',
  white_heart: '🤍',
  yawning_face: '🥱',
  face_vomiting: '🤮',
  hot_face: '🥵',
  cold_face: '🥶',
  face_with_cowboy_hat: '🤠',
  hankey: '💩',
  shopping_trolley: '🛒',
  'flag-br': '🇧🇷',
  'flag-pt': '🇵🇹',
};

/** Skin-tone modifiers U+1F3FB…U+1F3FF are Slack's `skin-tone-2` … `skin-tone-6`. */
const TONE_BASE = 0x1f3fb;
const TONES = /[\u{1F3FB}-\u{1F3FF}]/gu;
const VARIATION = /[\uFE0E\uFE0F]/g;
/** A Slack reaction name, as reactions.add takes it and reaction events carry it. */
const SLACK_NAME = /^:?([a-z0-9_+'-]+)((?:::skin-tone-[2-6])?):?$/;

function strip(emoji: string): string {
  return emoji.replace(VARIATION, '');
}

/** The reverse lookup skips aliases: Slack's own name for 👍 is `+1`, `thumbsup` only another. */
const ALIASES_ONLY = new Set(['thumbsup', 'thumbsdown']);
const NAME_OF = new Map(Object.entries(SLACK_NAMES).filter(([n]) => !ALIASES_ONLY.has(n)).map(([n, e]) => [strip(e), n]));

/**
 * What reactions.add needs for `nameOrEmoji`: a Slack name passes through; a unicode emoji (a
 * customer's reaction) becomes Slack's name, with `::skin-tone-N` for a skin tone (reactions.add
 * documents that suffix). Undefined when the emoji has no known name: the caller skips it.
 */
export function slackReactionName(nameOrEmoji: string): string | undefined {
  const input = nameOrEmoji.trim();
  const named = SLACK_NAME.exec(input);
  if (named) return `${named[1]}${named[2]}`;
  const tone = input.match(TONES)?.[0];
  const untoned = input.replace(TONES, '');
  const base = strip(untoned);
  if (!base) return undefined;
  // Platforms disagree on variation selectors (❤ vs ❤️): try the emoji as sent, then without them, then with one.
  const name = NAME_OF.get(base) ?? nameOfEmoji(untoned) ?? nameOfEmoji(base) ?? nameOfEmoji(`${base}\uFE0F`);
  if (!name) return undefined;
  return tone ? `${name}::skin-tone-${tone.codePointAt(0)! - TONE_BASE + 2}` : name;
}

/**
 * The unicode emoji for a Slack reaction name (`+1::skin-tone-3` → 👍🏽). Undefined for a custom
 * emoji (a workspace's own image has no unicode) or a name neither list knows.
 */
export function emojiForSlackName(name: string): string | undefined {
  const m = SLACK_NAME.exec(name.trim());
  if (!m) return undefined;
  const base = SLACK_NAMES[m[1]!] ?? emojiByName(m[1]!);
  if (!base) return undefined;
  const tone = /skin-tone-([2-6])/.exec(m[2] ?? '');
  if (!tone) return base;
  // The modifier follows the first code point, which then drops its presentation selector
  // (✌️ + 🏽 = ✌🏽); the rest of a ZWJ sequence keeps its place (🙋🏽‍♀️).
  const [first, ...rest] = [...base];
  const tail = rest[0] === '\uFE0F' ? rest.slice(1) : rest;
  return `${first}${String.fromCodePoint(TONE_BASE + Number(tone[1]) - 2)}${tail.join('')}`;
}
