// Bugs found by reviewing the first slice, each pinned by the test that would have caught it.
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { loadConfig } from '../../src/main.js';
import { SecretBox } from '../../src/crypto/secrets.js';
import { splitText } from '../../src/agent/compose-reply.js';
import { isValidSlackSignature } from '../../bridges/slack/verify.js';
import { ticketCardBlocks } from '../../bridges/slack/blocks.js';
import { slackToPlain } from '../../bridges/slack/mrkdwn.js';
import { classifyWhatsAppError } from '../../channels/whatsapp/errors.js';
import { GraphError } from '../../channels/meta/graph-client.js';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

describe('blank environment values mean unset', () => {
  it.each(['PORT', 'HOST', 'PONTE_LOCALE', 'LOG_LEVEL', 'META_GRAPH_VERSION', 'PONTE_BODY_LIMIT', 'PONTE_QUEUE_PREFIX', 'PONTE_DATA_DIR'])(
    '%s="" takes the default',
    (name) => {
      const defaults = loadConfig({});
      const blank = loadConfig({ [name]: '' });
      expect(blank).toEqual(defaults);
      expect(loadConfig({ [name]: '   ' })).toEqual(defaults);
    },
  );
  it('PORT="" is 3000, never 0 (a random port)', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });
});

describe('SecretBox refuses a cut-down GCM tag', () => {
  it('throws when the tag is shorter than 16 bytes', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const [v, iv, tag, data] = box.seal('xoxb-secret').split('.');
    const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => box.open([v, iv, short, data].join('.'))).toThrow();
    expect(box.open([v, iv, tag, data].join('.'))).toBe('xoxb-secret');
  });
});

describe('splitText edge cases', () => {
  it('never yields an empty part for text that starts with spaces', () => {
    expect(splitText(`${' '.repeat(8)}${'x'.repeat(10)}`, 10)).toEqual(['x'.repeat(10)]);
  });
  it('terminates and keeps emoji whole at the smallest limit', () => {
    expect(splitText('😀😀😀', 2)).toEqual(['😀', '😀', '😀']);
  });
  it('refuses a limit that cannot hold a surrogate pair', () => {
    expect(() => splitText('😀', 1)).toThrow(RangeError);
  });
});

describe('Slack timestamps are digits only', () => {
  const secret = 'shh';
  const body = Buffer.from('{"a":1}');
  const sign = (ts: string) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`;
  it.each(['1531420618.0', ' 1531420618', '1.531420618e9', '+1531420618'])('refuses %j even when signed over that exact string', (ts) => {
    expect(isValidSlackSignature(body, { signature: sign(ts), timestamp: ts }, secret, 1531420618_000)).toBe(false);
  });
  it('accepts the plain form', () => {
    expect(isValidSlackSignature(body, { signature: sign('1531420618'), timestamp: '1531420618' }, secret, 1531420618_000)).toBe(true);
  });
});

describe('the card title fits Block Kit', () => {
  it('stays under 3000 characters for a huge, entity-heavy name', () => {
    const card = ticketCardBlocks({
      ticketId: '1', protocol: '20261121-000001', status: 'pending', channel: 'whatsapp', customerName: '&'.repeat(5000),
      customerPhone: null, department: 'General', assignee: null, previousProtocol: null, tags: [], contactNotes: 0, scheduledClose: null, windowClosesAt: null, locale: 'en',
    });
    const title = (card.blocks[0] as { text: { text: string } }).text.text;
    expect(title.length).toBeLessThanOrEqual(3000);
  });
});

describe('Slack special mentions reach the customer as their labels', () => {
  it.each([
    ['<!subteam^S123|@support>', '@support'],
    ['<!date^1392734382^{date_num}|2014-02-18>', '2014-02-18'],
  ])('%s → %s', (input, out) => {
    expect(slackToPlain(input)).toBe(out);
  });
});

describe('WhatsApp spam limit', () => {
  it('131048 is not retried (retrying deepens the restriction)', () => {
    const e = classifyWhatsAppError(new GraphError(400, { code: 131048, message: 'Spam rate limit hit' }, undefined));
    expect(e.retryable).toBe(false);
  });
});

describe('logged database errors', () => {
  it('do not carry the values a constraint violation echoes in its detail', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', sink);
    const err = Object.assign(new Error('duplicate key value violates unique constraint "contacts_channel_external_id_key"'), {
      code: '23505',
      detail: 'Key (channel, external_id)=(whatsapp, 5511987654321) already exists.',
    });
    log.error({ err, eventId: '1' }, 'inbound event failed');
    expect(lines.join('')).not.toContain('5511987654321');
    expect(lines.join('')).toContain('23505');
  });
});
