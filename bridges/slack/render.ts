import { asRich, type Rich, type Span } from '../../src/core/rich-text.js';
import { escapeForSlack } from './mrkdwn.js';

/**
 * The core's neutral rich text → Slack mrkdwn. Every word the core gives (a template's text or a
 * value a customer controls) is escaped for Slack's reserved `&`, `<` and `>`, so `<!channel>`
 * stays words and `<https://evil|bank>` cannot become a disguised link; mentions, channels and
 * links are the only `<…>` Slack gets, built here. A string (a row queued before rich text)
 * is shown as plain words.
 */
export function toMrkdwn(value: Rich | string): string {
  return asRich(value).map(span).join('');
}

function span(s: Span): string {
  if ('text' in s) return escapeForSlack(s.text);
  if ('strong' in s) return `*${toMrkdwn(s.strong)}*`;
  if ('em' in s) return `_${toMrkdwn(s.em)}_`;
  if ('code' in s) return `\`${escapeForSlack(s.code)}\``;
  if ('user' in s) return `<@${s.user}>`;
  if ('channel' in s) return `<#${s.channel}>`;
  if ('link' in s) return `<${s.link.replace(/[<>|]/g, encodeURIComponent)}|${escapeForSlack(s.label)}>`;
  // Slack quotes a line at a time: every line of a quoted text gets its `>`.
  return `>${toMrkdwn(s.quote).replace(/\n/g, '\n>')}`;
}
