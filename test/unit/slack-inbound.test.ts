import { describe, it, expect } from 'vitest';
import { parseEventCallback, tokenizeCommand, type ParsedEvent } from '../../bridges/slack/inbound.js';
import { SLACK_DEFAULTS, eventCallback, slackFile, slackMessageEvent, type SlackMessageEventOpts } from '../fixtures/slack.js';

const BOT = SLACK_DEFAULTS.botUserId;
const ROOT = '1700000000.000100';
const reply = (o: Partial<SlackMessageEventOpts> = {}) =>
  slackMessageEvent({ channel: 'C0SUPPORT', user: 'UAGENT1', text: 'Olá!', ts: '1700000060.000200', threadTs: ROOT, ...o });

function record(out: ParsedEvent) {
  if (!('record' in out)) throw new Error(`expected a record, got ${JSON.stringify(out)}`);
  return out.record;
}

describe('parseEventCallback: agent replies', () => {
  it("turns a person's thread reply into an agent.message", () => {
    const body = reply({ text: 'Seu pedido sai hoje &amp; chega amanhã: <https://loja.example/p/1|rastreio>', eventId: 'Ev0ABC123' });
    const out = parseEventCallback(body, BOT);
    expect(Object.keys(out)).toEqual(['record']);
    const rec = record(out);
    // toMatchObject: the event may carry extra optional fields (e.g. attachment counts).
    expect(rec.event).toMatchObject({
      type: 'agent.message',
      platform: 'slack',
      containerId: 'C0SUPPORT',
      threadId: ROOT,
      externalId: 'C0SUPPORT:1700000060.000200',
      userId: 'UAGENT1',
      text: 'Seu pedido sai hoje & chega amanhã: rastreio (https://loja.example/p/1)',
      occurredAt: '2023-11-14T22:14:20.000Z',
    });
    expect(rec.dedupeKey).toBe('slack:e:Ev0ABC123');
    expect(rec.orderingKey).toBe(`slack:C0SUPPORT:${ROOT}`);
  });

  it('orders per thread and dedupes per event_id', () => {
    const a = record(parseEventCallback(reply({ ts: '1700000061.000001', eventId: 'EvA' }), BOT));
    const b = record(parseEventCallback(reply({ ts: '1700000062.000001', eventId: 'EvB' }), BOT));
    const other = record(parseEventCallback(reply({ ts: '1700000063.000001', threadTs: '1700000001.000100', eventId: 'EvC' }), BOT));
    const retry = record(parseEventCallback(reply({ ts: '1700000061.000001', eventId: 'EvA' }), BOT));
    expect(a.orderingKey).toBe(b.orderingKey);
    expect(other.orderingKey).not.toBe(a.orderingKey);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
    expect(retry.dedupeKey).toBe(a.dedupeKey);
  });

  it.each([
    ['file_share', { subtype: 'file_share', files: [{ id: 'F1', name: 'nota.pdf' }] }],
    ['thread_broadcast', { subtype: 'thread_broadcast' }],
  ])('relays subtype %s', (_label, extra) => {
    expect(record(parseEventCallback(reply(extra), BOT)).event).toMatchObject({ type: 'agent.message', userId: 'UAGENT1' });
  });
});

describe('parseEventCallback: agents\' files', () => {
  const pdf = slackFile({ id: 'F0PDF00001', name: 'nota fiscal.pdf', mimetype: 'application/pdf', size: 48213 });

  it('relays a file_share with no text, with each file as a download reference', () => {
    const ev = record(parseEventCallback(reply({ subtype: 'file_share', text: '', files: [pdf], eventExtra: { upload: true, display_as_bot: false } }), BOT)).event;
    expect(ev).toMatchObject({ type: 'agent.message', text: '' });
    expect((ev as { files?: unknown }).files).toEqual([
      { id: 'F0PDF00001', name: 'nota fiscal.pdf', mimeType: 'application/pdf', size: 48213, url: 'https://files.slack.com/files-pri/T0001-F0PDF00001/download/nota%20fiscal.pdf' },
    ]);
  });

  it('leaves deleted files out, and keeps a Slack Connect file without URL (fetched later via files.info)', () => {
    const files = [slackFile({ id: 'F0GONE0001', name: 'x', mode: 'tombstone' }), slackFile({ id: 'F0CONNECT1', name: 'y', fileAccess: 'check_file_info' })];
    const ev = record(parseEventCallback(reply({ subtype: 'file_share', text: 'segue', files }), BOT)).event as { files?: { id: string; url: string }[] };
    expect(ev.files?.map((f) => [f.id, f.url])).toEqual([['F0CONNECT1', '']]);
    const onlyDeleted = record(parseEventCallback(reply({ subtype: 'file_share', text: 'x', files: [files[0]!] }), BOT)).event;
    expect(onlyDeleted).not.toHaveProperty('files', expect.anything());
  });

  it("skips Ponte's own file shares (a customer's file it uploaded comes back as the bot's message)", () => {
    const out = parseEventCallback(reply({ user: BOT, subtype: 'file_share', text: 'Maria:', files: [pdf] }), BOT);
    expect(out).toEqual({ ignored: expect.objectContaining({ reason: 'bot_message' }) });
  });
});

describe('parseEventCallback: ignored events', () => {
  // Every case is otherwise a valid thread reply, so only the property under test can cause the skip.
  it.each([
    ['a bot_id', reply({ botId: 'B0OTHERBOT' }), /bot/],
    ['subtype bot_message', reply({ subtype: 'bot_message' }), /bot/],
    ["Ponte's own bot user", reply({ user: BOT }), /bot/],
    ['subtype message_changed', reply({ subtype: 'message_changed', eventExtra: { hidden: true, message: { type: 'message', user: 'UAGENT1', text: 'edited', ts: '1700000050.000100', thread_ts: ROOT } } }), /message_changed/],
    ['subtype message_deleted', reply({ subtype: 'message_deleted', eventExtra: { hidden: true, deleted_ts: '1700000050.000100' } }), /message_deleted/],
    ['subtype channel_join', reply({ subtype: 'channel_join', text: '<@UAGENT1> has joined the channel' }), /channel_join/],
    ['subtype message_replied', reply({ subtype: 'message_replied' }), /message_replied/],
    ['a top-level message (no thread_ts)', reply({ threadTs: undefined }), /thread/],
    ['a thread root (thread_ts === ts)', reply({ ts: ROOT, threadTs: ROOT }), /thread/],
  ])('ignores %s', (_label, body, reason) => {
    const out = parseEventCallback(body, BOT);
    expect(out).toEqual({ ignored: { dedupeKey: `slack:e:${body.event_id}`, kind: 'slack.message', reason: expect.stringMatching(reason) } });
  });

  it('without a known bot user id, a person is still relayed (control for the bot-user case)', () => {
    expect(parseEventCallback(reply({ user: BOT }))).toHaveProperty('record');
  });

  it.each([
    ['app_mention', { type: 'app_mention', user: 'UAGENT1', text: `<@${BOT}> oi`, ts: '1700000070.000100', thread_ts: ROOT, channel: 'C0SUPPORT', event_ts: '1700000070.000100' }],
  ])('ignores non-message event %s', (type, event) => {
    const body = eventCallback(event, { eventId: 'EvNOTMSG' });
    expect(parseEventCallback(body, BOT)).toEqual({ ignored: { dedupeKey: 'slack:e:EvNOTMSG', kind: `slack.${type}`, reason: expect.any(String) } });
  });

  it.each([
    ['an empty object', {}],
    ['null', null],
    ['no event_id', (({ event_id: _e, ...rest }) => rest)(reply())],
    ['no event', (({ event: _e, ...rest }) => rest)(reply())],
    ['a url_verification body', { type: 'url_verification', challenge: 'x', token: 't' }],
    ['a message event without channel', (() => { const b = reply(); delete (b.event as { channel?: string }).channel; return b; })()],
  ])('returns {error} for %s', (_label, body) => {
    const out = parseEventCallback(body, BOT);
    expect(out).toEqual({ error: expect.any(String) });
  });
});

describe('tokenizeCommand', () => {
  it.each([
    ['connect whatsapp 106540352242922', [{ type: 'word', value: 'connect' }, { type: 'word', value: 'whatsapp' }, { type: 'word', value: '106540352242922' }]],
    ['  connect \t whatsapp\n 123   ', [{ type: 'word', value: 'connect' }, { type: 'word', value: 'whatsapp' }, { type: 'word', value: '123' }]],
    ['<#C123|sales>', [{ type: 'channel', id: 'C123' }]],
    ['<#C123>', [{ type: 'channel', id: 'C123' }]],
    ['<#C0ABC9|>', [{ type: 'channel', id: 'C0ABC9' }]],
    ['<@U1|ana>', [{ type: 'user', id: 'U1' }]],
    ['<@U0AGENT>', [{ type: 'user', id: 'U0AGENT' }]],
    ['#sales', [{ type: 'unresolved_channel', raw: '#sales' }]],
    ['transfer <#C123|sales> <@U1|ana> now', [{ type: 'word', value: 'transfer' }, { type: 'channel', id: 'C123' }, { type: 'user', id: 'U1' }, { type: 'word', value: 'now' }]],
    ['', []],
    ['   ', []],
  ])('%j', (text, tokens) => {
    expect(tokenizeCommand(text)).toEqual(tokens);
  });
});
