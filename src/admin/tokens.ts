/**
 * A slash command's arguments after the bridge has resolved its platform syntax
 * (`<#C123|sales>`, `<@U123>`) into neutral tokens. The core never parses platform markup.
 */
export type CommandToken =
  | { type: 'word'; value: string }
  | { type: 'channel'; id: string }
  | { type: 'user'; id: string }
  /** A channel typed as plain text (no id): the user must pick it from autocomplete. */
  | { type: 'unresolved_channel'; raw: string };

export function wordAt(tokens: CommandToken[], i: number): string | undefined {
  const tok = tokens[i];
  return tok?.type === 'word' ? tok.value : undefined;
}
