import { describe, it, expect } from 'vitest';
import { escapeForSlack, slackToPlain } from '../../bridges/slack/mrkdwn.js';

describe('slackToPlain (agent text → customer text)', () => {
  it.each([
    ['a labelled link', 'see <https://x.com|label>', 'see label (https://x.com)'],
    ['a bare link', 'see <https://x.com>', 'see https://x.com'],
    ['a bare link with a path and query', '<https://x.com/a/b?c=1&amp;d=2>', 'https://x.com/a/b?c=1&d=2'],
    ['an http link labelled with itself (auto-linked text)', '<http://x.com/p|x.com/p>', 'x.com/p (http://x.com/p)'],
    ['a mailto link labelled with the address', 'write to <mailto:a@b.c|a@b.c>', 'write to a@b.c'],
    ['a mailto link with another label', '<mailto:a@b.c|our team>', 'our team (mailto:a@b.c)'],
    ['a bare mailto link', '<mailto:a@b.c>', 'a@b.c'],
    ['a channel mention with label', 'ask <#C123|sales>', 'ask #sales'],
    ['a user mention with label', 'ask <@U123|ana>', 'ask @ana'],
    ['<!channel>', '<!channel> heads up', '@channel heads up'],
    ['<!here> and <!everyone>', '<!here> <!everyone>', '@here @everyone'],
    ['&amp; &lt; &gt;', 'a &amp; b &lt;c&gt;', 'a & b <c>'],
    ['a literal entity the agent typed (double-escaped)', 'type &amp;lt; to get &amp;gt;', 'type &lt; to get &gt;'],
    ['several links in one line', '<https://a.io|A> and <https://b.io|B>', 'A (https://a.io) and B (https://b.io)'],
    ['plain text with emoji', 'Obrigado! 😊', 'Obrigado! 😊'],
    ['mrkdwn formatting is kept', '*bold* _it_', '*bold* _it_'],
  ])('%s', (_label, input, expected) => {
    expect(slackToPlain(input)).toBe(expected);
  });
});

describe('escapeForSlack (customer text → Slack)', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here> hi', '&lt;!here&gt; hi'],
    ['<@U1>', '&lt;@U1&gt;'],
    ['<https://evil.example|your bank>', '&lt;https://evil.example|your bank&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['already &amp; escaped', 'already &amp;amp; escaped'],
    ['Olá 😀', 'Olá 😀'],
  ])('%j → %j', (input, expected) => {
    const out = escapeForSlack(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[<>]/);
  });

  it.each(['<!channel> Bob', 'Tom & Jerry <3', 'a &lt; b', '<https://x.com|x>'])('round-trips through slackToPlain: %j', (text) => {
    expect(slackToPlain(escapeForSlack(text))).toBe(text);
  });
});
