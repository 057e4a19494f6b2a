/**
 * Slack mrkdwn ↔ plain text. Agents' messages arrive with Slack's escaping and link markup;
 * customers' messages must not be able to ping a channel or forge links in Slack.
 */

/** Agent text → what the customer should read: links, mentions and entities unwrapped. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto|tel):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (label === url.replace(/^mailto:|^tel:/, '') ? label : `${label} (${url})`))
    .replace(/<((?:https?|mailto|tel):[^>]+)>/g, (_m, url: string) => url.replace(/^mailto:|^tel:/, ''))
    .replace(/<#[A-Z0-9]+\|([^>]+)>/g, '#$1')
    .replace(/<@[A-Z0-9]+\|([^>]+)>/g, '@$1')
    // Unlabelled mentions (how Slack sends them) become @<id>; the core names known agents.
    .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
    .replace(/<#([CG][A-Z0-9]+)>/g, '#channel')
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<!(?:subteam|date)\^[^|>]*\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Customer text → safe Slack text: `&`, `<`, `>` escaped, so `<!channel>` stays words. */
export function escapeForSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
