import { toMrkdwn } from './render.js';
import type { ThreadPost } from '../../src/core/ports.js';
import { slackCapabilities } from './capabilities.js';
import { ACTION_IDS } from './ids.js';
import { escapeForSlack } from './mrkdwn.js';

/** A quoted message is shown as one line; the thread above has the whole of it. */
const QUOTE_MAX = 300;
/** Block Kit section text holds 3000 characters (the `text` fallback keeps the rest). */
const SECTION_MAX = 3000;

export interface PostMessage {
  text: string;
  blocks?: unknown[];
  username?: string;
}

/**
 * A thread post as chat.postMessage arguments:
 * - the text is rendered from rich text (render.ts): a customer's words, and every word in a
 *   notice, are escaped so they cannot ping @channel or forge links; a customer's are shown under
 *   their name (`username` needs chat:write.customize);
 * - `quote` (what the message replies to) is a `>` line above the text, escaped like content;
 * - `offer: templates` adds a "Send a template" button under the notice (value: the ticket id).
 */
export function threadPostMessage(req: ThreadPost, offerLabel: string): PostMessage {
  return threadPostMessages(req, offerLabel)[0]!;
}

/**
 * The same, as as many messages as the text needs: over Slack's limit it goes in parts, in
 * order, cut at a line break or a space and never inside Slack's `<…>` or `&…;`; the offer
 * goes under the last part. Never an empty text.
 */
export function threadPostMessages(req: ThreadPost, offerLabel: string, max = slackCapabilities.maxTextLength): PostMessage[] {
  const quote = req.quote ? `>${quoteLine(req.quote)}\n` : '';
  const texts = splitMrkdwn(`${quote}${toMrkdwn(req.text)}`, max);
  return texts.map((text, i) => message(req, text || ' ', i === texts.length - 1 ? offerLabel : undefined));
}

function message(req: ThreadPost, text: string, offerLabel: string | undefined): PostMessage {
  const out: PostMessage = { text };
  if (req.style === 'customer' && req.authorName) out.username = req.authorName.slice(0, 80);
  if (req.offer?.kind === 'templates' && offerLabel !== undefined) {
    out.blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, SECTION_MAX) } },
      {
        type: 'actions',
        block_id: 'ponte_offer',
        elements: [{ type: 'button', action_id: ACTION_IDS.templates, value: req.offer.ticketId, style: 'primary', text: { type: 'plain_text', text: offerLabel, emoji: true } }],
      },
    ];
  }
  return out;
}

function quoteLine(quote: string): string {
  const line = quote.replace(/\s+/g, ' ').trim();
  return escapeForSlack(line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX - 1)}…` : line);
}

/** Rendered mrkdwn in parts of at most `max` characters (see threadPostMessages). */
export function splitMrkdwn(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutAt(rest, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  parts.push(rest);
  return parts;
}

/** Where to end a part: the last line break, else space, in the second half, outside a token. */
function cutAt(text: string, max: number): number {
  // A `<…>` or `&…;` that straddles the limit moves the limit before it.
  const lt = text.lastIndexOf('<', max - 1);
  let limit = lt >= 0 && text.indexOf('>', lt) >= max ? lt : max;
  const amp = text.lastIndexOf('&', max - 1);
  const entity = amp >= 0 ? /^&[#a-z0-9]+;/i.exec(text.slice(amp, amp + 10)) : null;
  if (entity && amp + entity[0].length > max) limit = Math.min(limit, amp);
  // A token longer than a whole part (a huge link) cannot be kept whole: cut at the limit.
  if (limit <= 0) limit = max;
  for (const sep of ['\n', ' ']) {
    for (let i = text.lastIndexOf(sep, limit - 1); i > max / 2; i = text.lastIndexOf(sep, i - 1)) {
      if (!insideToken(text, i)) return i;
    }
  }
  const code = text.charCodeAt(limit - 1);
  return limit > 1 && code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

function insideToken(text: string, i: number): boolean {
  const lt = text.lastIndexOf('<', i);
  return lt >= 0 && text.indexOf('>', lt) > i;
}
