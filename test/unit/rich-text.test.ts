import { describe, expect, it } from 'vitest';
import { channel, code, joinRich, link, mention, plain, rich, strong, text, type Rich } from '../../src/core/rich-text.js';
import { fill } from '../../src/i18n/markup.js';
import { say, type MessageKey } from '../../src/i18n/catalog.js';
import { en } from '../../src/i18n/en.js';
import { ptBR } from '../../src/i18n/pt-BR.js';
import { toMrkdwn } from '../../bridges/slack/render.js';

const EVIL = '<!channel> *URGENT* <https://evil.example|bank>';
const EVIL_SLACK = '&lt;!channel&gt; *URGENT* &lt;https://evil.example|bank&gt;';

describe('the catalogue markup', () => {
  it.each([
    ['**Tickets**: {n}', { n: 2 }, [{ strong: [{ text: 'Tickets' }] }, { text: ': 2' }]],
    ['_off_', {}, [{ em: [{ text: 'off' }] }]],
    ['Use `!!{s}` now', { s: 'oi' }, [{ text: 'Use ' }, { code: '!!oi' }, { text: ' now' }]],
    ['now:\n> {text}', { text: 'a\nb' }, [{ text: 'now:\n' }, { quote: [{ text: 'a\nb' }] }]],
    ['{agent} accepted', { agent: mention('U1') }, [{ user: 'U1' }, { text: ' accepted' }]],
    ['in {c}.', { c: channel('C1') }, [{ text: 'in ' }, { channel: 'C1' }, { text: '.' }]],
    ['{missing} stays', {}, [{ text: '{missing} stays' }]],
    // snake_case and file names are not emphasis
    ['PONTE_MEDIA_LIMITS and a_b_c', {}, [{ text: 'PONTE_MEDIA_LIMITS and a_b_c' }]],
  ] as const)('%j with %j', (template, vars, expected) => {
    expect(fill(template, vars as never)).toEqual(expected);
  });

  it.each(['**', '_x_', '`code`', '{other}', '> quote', EVIL, '&amp; &'])('never parses a value: %j stays one text span', (value) => {
    expect(fill('A **{v}** b', { v: value, other: 'X' })).toEqual([{ text: 'A ' }, { strong: [{ text: value }] }, { text: ' b' }]);
  });

  it('is JSON-serialisable (it is stored with messages and in outbox payloads)', () => {
    const r = say('en', 'transfer.left', { department: 'Vendas', agent: mention('U1'), why: '' });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  const SLACK_MARKUP = [/<[#@!]/, /<https?:/, /(^|[^*])\*[^*\s][^*]*\*(?!\*)/, /:[a-z_]+:(?!\/)/];
  it.each(Object.keys(en) as MessageKey[])('%s is written in the neutral markup, not Slack’s', (key) => {
    for (const template of [en[key], ptBR[key]]) {
      const outsideCode = template.replace(/`[^`]*`/g, '');
      for (const pattern of SLACK_MARKUP) expect(outsideCode).not.toMatch(pattern);
      expect(template).not.toMatch(/\bSlack\b/);
    }
  });
});

describe('Slack rendering', () => {
  it.each([
    [[text('a & b <c>')], 'a &amp; b &lt;c&gt;'],
    [[strong('Vendas')], '*Vendas*'],
    [[{ em: [text('off')] }], '_off_'],
    [[code('!transfer <department name>')], '`!transfer &lt;department name&gt;`'],
    [[mention('U1')], '<@U1>'],
    [[channel('C1')], '<#C1>'],
    [[link('https://x.example/p?a=1&b=2', 'T-1 <x>')], '<https://x.example/p?a=1&b=2|T-1 &lt;x&gt;>'],
    [[text('is now:\n'), { quote: [text('line 1\nline <2>')] }], 'is now:\n>line 1\n>line &lt;2&gt;'],
    ['a plain string from an older row: <b>', 'a plain string from an older row: &lt;b&gt;'],
  ] as [Rich | string, string][])('%j → %j', (value, expected) => {
    expect(toMrkdwn(value)).toBe(expected);
  });

  it.each(['**', EVIL, '<https://evil.example|bank>', 'Tom & Jerry'])('a value %j renders as literal words', (value) => {
    const out = toMrkdwn(say('en', 'transfer.left', { department: value, agent: value, why: '' }));
    expect(out).not.toContain('<!channel>');
    expect(out).not.toContain('<https://evil.example');
    expect(out).toContain(value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('keeps today’s Slack texts byte for byte', () => {
    const out = toMrkdwn(say('en', 'transfer.left', { department: 'Vendas', agent: mention('U1'), why: say('en', 'transfer.reason', { reason: 'x' }) }));
    expect(out).toBe('Transferred to *Vendas* by <@U1>: “x”. The conversation continues in that department’s channel.');
    expect(toMrkdwn(say('pt-BR', 'department.saved', { name: EVIL, channel: channel('C9') }))).toBe(`O setor *${EVIL_SLACK}* agora recebe seus tickets em <#C9>.`);
  });
});

describe('plain', () => {
  it('gives the words, for search and history', () => {
    expect(plain(joinRich([rich(strong('Vendas'), ' by ', mention('U1')), [code('!x')]], '\n'))).toBe('Vendas by @U1\n!x');
  });
});
