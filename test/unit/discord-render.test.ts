import { describe, expect, it } from 'vitest';
import { renderText, splitText, toMarkdown } from '../../bridges/discord/render.js';
import { discordToPlain, parseMessage } from '../../bridges/discord/payloads.js';

describe('Discord text', () => {
  it('escapes every Markdown character a customer could format with', () => {
    expect(renderText('*b* _i_ ~~s~~ ||spoiler|| `code` > quote # head [x](http://e.x) \\ <@1>')).toBe(
      '\\*b\\* \\_i\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\` \\> quote \\# head \\[x\\](http://e.x) \\\\ \\<@1\\>',
    );
    expect(renderText('- item\n  + other')).toBe('\\- item\n  \\+ other');
  });

  it('splits a long text into ordered parts of at most 2000 characters without cutting an escape', () => {
    const text = renderText(Array.from({ length: 900 }, (_, i) => `w${i}*`).join(' '));
    const parts = splitText(text, 2000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 2000 && !/(^|[^\\])\\$/.test(p))).toBe(true);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text);
    expect(splitText('x'.repeat(5000)).map((p) => p.length)).toEqual([2000, 2000, 1000]);
  });

  it('reads agent text as the customer should see it, and never an echo or a bot as an agent', () => {
    expect(discordToPlain('oi <@!42> em <#7> \\*já\\* <:ok:9>')).toBe('oi @42 em #channel *já* :ok:');
    const base = { id: '5', channel_id: '2', guild_id: '1', content: 'x', author: { id: '3', username: 'a' } };
    expect(parseMessage({ ...base, webhook_id: '9' }, '1', '8')).toEqual({ skip: 'webhook_echo' });
    expect(parseMessage({ ...base, author: { id: '8', username: 'ponte' } }, '1', '8')).toEqual({ skip: 'own_message' });
    expect(parseMessage({ ...base, author: { id: '6', username: 'other', bot: true } }, '1', '8')).toEqual({ ignored: expect.objectContaining({ reason: 'bot_message' }) });
    expect(parseMessage(base, undefined, '8')).toEqual({ skip: 'not_in_thread' });
    expect(parseMessage(base, '1', '8')).toMatchObject({ record: { event: { containerId: '1', threadId: '2', externalId: '2:5' } } });
  });
});

describe('Discord: the core\'s rich text as Markdown', () => {
  it('renders each span, escapes every word, and builds the only links and mentions', () => {
    const evil = '<!channel> *URGENT* <https://evil.example|bank> [bank](https://evil.example) @everyone';
    const out = toMarkdown([{ text: 'Transferred to ' }, { strong: [{ text: 'Vendas_1' }] }, { text: ' by ' }, { user: '123' }, { text: ': ' }, { em: [{ text: evil }] }, { text: ' ' }, { code: 'a`b' }, { text: ' ' }, { channel: '456' }, { text: ' ' }, { link: 'https://discord.com/channels/1/2', label: 'T-1 *x*' }, { quote: [{ text: 'one\ntwo' }] }]);
    expect(out).toBe(
      'Transferred to **Vendas\\_1** by <@123>: *\\<!channel\\> \\*URGENT\\* \\<https://evil.example\\|bank\\> \\[bank\\](https://evil.example) @everyone* `` a`b `` <#456> [T-1 \\*x\\*](<https://discord.com/channels/1/2>)> one\n> two',
    );
  });

  it('shows a string (a row queued before rich text) as plain words', () => {
    expect(toMarkdown('*not bold*')).toBe('\\*not bold\\*');
  });
});
