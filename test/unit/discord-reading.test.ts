// The conformance driver's reading of Discord Markdown: a test of the test, so a bridge cannot
// pass by a reader that sees too little (pings, links) or too much (escapes as characters).
import { describe, expect, it } from 'vitest';
import { noMentions, toMarkdown } from '../../bridges/discord/render.js';
import { readDiscordMarkdown } from '../support/discord-reading.js';

describe('readDiscordMarkdown', () => {
  it('shows escaped characters as themselves and formatting as its words', () => {
    expect(readDiscordMarkdown('\\*não\\* é \\_isso\\_ \\<@1\\>').text).toBe('*não* é _isso_ <@1>');
    expect(readDiscordMarkdown('**Maria** aceitou *agora* __sim__ ~~não~~ ||spoiler|| `a*b*c`').text).toBe('Maria aceitou agora sim não spoiler a*b*c');
    expect(readDiscordMarkdown('> citação\n# Título').text).toBe('citação\nTítulo');
  });

  it('reads masked and angle-bracket links with the URL they open', () => {
    expect(readDiscordMarkdown('veja [o post](<https://discord.com/channels/1/2>) e <https://x.example/a>')).toEqual({
      text: 'veja o post e https://x.example/a',
      mentions: [],
      links: [{ label: 'o post', url: 'https://discord.com/channels/1/2' }, { label: 'https://x.example/a', url: 'https://x.example/a' }],
    });
    expect(readDiscordMarkdown('\\[banco\\](https://evil.example)').links).toEqual([]);
  });

  it('counts a ping only when allowed_mentions lets it (none given: everything pings)', () => {
    expect(readDiscordMarkdown('<@123> @everyone <@&9>').mentions).toEqual(['@123', '@9', '@everyone']);
    expect(readDiscordMarkdown('<@123> @everyone <@&9>', noMentions).mentions).toEqual([]);
    expect(readDiscordMarkdown('<@123> <@456>', { users: ['456'] }).mentions).toEqual(['@456']);
    expect(readDiscordMarkdown('@here', { parse: ['everyone'] }).mentions).toEqual(['@here']);
  });

  it('reads back what the bridge renders: any text, exactly', () => {
    const evil = 'pague em <!channel> <@UAGENT01> [bank](https://evil.example) *x* _y_ `z` \\ ~~w~~ ||v|| # h > q';
    expect(readDiscordMarkdown(toMarkdown(evil), noMentions)).toEqual({ text: evil, mentions: [], links: [] });
  });
});
