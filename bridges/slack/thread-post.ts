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
  const customer = req.style === 'customer';
  const body = toMrkdwn(req.text);
  const quote = req.quote ? `>${quoteLine(req.quote)}\n` : '';
  // Slack truncates beyond its limit anyway, so cut where we choose; never post an empty text.
  const text = `${quote}${body}`.slice(0, slackCapabilities.maxTextLength) || ' ';
  const out: PostMessage = { text };
  if (customer && req.authorName) out.username = req.authorName.slice(0, 80);
  if (req.offer?.kind === 'templates') {
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
