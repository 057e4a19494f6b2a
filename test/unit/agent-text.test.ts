import { describe, expect, it } from 'vitest';
import { literal } from '../../src/core/agent-text.js';

// Customer-controlled values go into Ponte's agent-facing texts (Slack-like markup) only as
// literal text: the markup's reserved characters `&`, `<`, `>` become entities.
describe('literal', () => {
  it.each([
    ['<!channel> <https://evil|Support>', '&lt;!channel&gt; &lt;https://evil|Support&gt;'],
    ['<@U0123> <#C0123|general> <!here>', '&lt;@U0123&gt; &lt;#C0123|general&gt; &lt;!here&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['already &lt;escaped&gt;', 'already &amp;lt;escaped&amp;gt;'], // escaped again: shown as typed
    ['*bold* _it_ `code` ~x~', '*bold* _it_ `code` ~x~'], // formatting cannot break out: left alone
    ['Dona Lurdes', 'Dona Lurdes'],
    ['', ''],
  ])('%j → %j', (value, escaped) => {
    expect(literal(value)).toBe(escaped);
  });
});
