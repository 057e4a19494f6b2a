import { describe, expect, it } from 'vitest';
import { splitMrkdwn, threadPostMessages } from '../../bridges/slack/thread-post.js';

const thread = { containerId: 'C1', threadId: '1.1' };

describe('Slack: a post over the limit goes in parts', () => {
  it('cuts at a space, never inside a link, a mention or an entity, and loses nothing', () => {
    const text = `${'palavra '.repeat(6)}<https://example.com/a|um rótulo com espaços> &lt;fim&gt; <@U123> ok`;
    // From the longest token's length up: shorter parts could not hold it whole.
    for (let max = 45; max <= text.length; max += 1) {
      const parts = splitMrkdwn(text, max);
      expect(parts.every((p) => p.length <= max)).toBe(true);
      for (const p of parts) {
        expect(p.split('<').length).toBe(p.split('>').length); // every < closed within its part
        expect(p).not.toMatch(/&[a-z]*$/); // no entity cut in two
      }
      expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    }
  });

  it('still makes progress when one token is longer than a whole part', () => {
    const parts = splitMrkdwn(`<https://example.com/${'a'.repeat(40)}|x> fim`, 10);
    expect(parts.every((p) => p.length <= 10)).toBe(true);
    expect(parts.join('')).toContain('fim');
  });

  it('keeps a short post whole, and puts the template offer under the last part only', () => {
    expect(threadPostMessages({ thread, style: 'notice', text: 'curto' }, 'Send')).toHaveLength(1);
    const parts = threadPostMessages({ thread, style: 'notice', text: 'x '.repeat(60), offer: { kind: 'templates', ticketId: '7' } }, 'Send', 50);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.slice(0, -1).every((p) => p.blocks === undefined)).toBe(true);
    expect(parts.at(-1)!.blocks).toBeDefined();
  });

  it('signs every part of a customer message with their name', () => {
    const parts = threadPostMessages({ thread, style: 'customer', authorName: 'Maria', text: 'y '.repeat(60) }, '', 50);
    expect(parts.every((p) => p.username === 'Maria')).toBe(true);
  });
});
