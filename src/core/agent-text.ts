/**
 * Ponte's agent-facing texts (notices, command answers) are written in Slack-like markup: the
 * core itself writes `<@U…>`, `<#C…>` and `*bold*` into them, and bridges pass them on as such.
 * `&`, `<` and `>` are that markup's reserved characters, so a value the customer controls (a
 * profile name, a phone, story text, a custom field…) goes in only through `literal`: then
 * `<!channel>` stays words and `<https://evil|Support>` cannot become a disguised link.
 */
export function literal(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
