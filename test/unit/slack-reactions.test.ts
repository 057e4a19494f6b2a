import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { emojiForSlackName, slackReactionName } from '../../bridges/slack/emoji.js';
import { parseEventCallback, type ParsedEvent } from '../../bridges/slack/inbound.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { SLACK_DEFAULTS, slackReactionEvent } from '../fixtures/slack.js';

const BOT = SLACK_DEFAULTS.botUserId;
const MSG_TS = '1700000060.000200';

describe('Slack reaction names ⇄ unicode', () => {
  it.each([
    ['👍', '+1'],
    ['✅', 'white_check_mark'],
    ['✔️', 'heavy_check_mark'],
    ['✔', 'heavy_check_mark'], // without the variation selector some platforms send
    // Ponte's own marks, which the core writes as unicode (delivery-marks.ts, the note lock)
    ['👀', 'eyes'],
    ['❌', 'x'],
    ['🔒', 'lock'],
    ['❤️', 'heart'],
    ['🤔', 'thinking_face'], // emojilib says `thinking`: Slack's name wins
    ['🇧🇷', 'flag-br'],
    ['👍🏽', '+1::skin-tone-4'],
    ['👍🏻', '+1::skin-tone-2'],
    ['✌🏿', 'v::skin-tone-6'],
    ['white_check_mark', 'white_check_mark'], // a Slack name passes through
    [':eyes:', 'eyes'],
    ['+1::skin-tone-3', '+1::skin-tone-3'],
  ])('%s → %s', (input, name) => {
    expect(slackReactionName(input)).toBe(name);
  });

  it.each([['🧑‍💻'], [''], ['  ']])('has no name for %j (skipped, not an error)', (input) => {
    expect(slackReactionName(input)).toBeUndefined();
  });

  it.each([
    ['+1', '👍'],
    ['thumbsup', '👍'],
    ['white_check_mark', '✅'],
    ['thinking_face', '🤔'],
    ['+1::skin-tone-2', '👍🏻'],
    ['v::skin-tone-4', '✌🏽'], // the modifier replaces ✌️'s variation selector
    [':heart:', '❤️'],
  ])('%s → %s', (name, emoji) => {
    expect(emojiForSlackName(name)).toBe(emoji);
  });

  it.each([['partyparrot'], ['skin-tone-2'], ['😀'], ['']])('has no unicode for %j', (name) => {
    expect(emojiForSlackName(name)).toBeUndefined();
  });

  it('round-trips a customer reaction with a skin tone', () => {
    expect(emojiForSlackName(slackReactionName('🙏🏾')!)).toBe('🙏🏾');
  });
});

function record(out: ParsedEvent) {
  if (!('record' in out)) throw new Error(`expected a record, got ${JSON.stringify(out)}`);
  return out.record;
}

describe('parseEventCallback: agents\' reactions', () => {
  const reaction = (o: Partial<Parameters<typeof slackReactionEvent>[0]> = {}) =>
    slackReactionEvent({ user: 'UAGENT1', reaction: '+1', channel: 'C0SUPPORT', ts: MSG_TS, ...o });

  it('turns reaction_added on a message into agent.reaction keyed like the posted message', () => {
    const rec = record(parseEventCallback(reaction({ eventId: 'Ev0REACT1', eventTs: '1700000090.000100' }), BOT));
    expect(rec.event).toEqual({
      type: 'agent.reaction',
      platform: 'slack',
      userId: 'UAGENT1',
      messageExternalId: `C0SUPPORT:${MSG_TS}`,
      emoji: '👍',
      removed: false,
      occurredAt: '2023-11-14T22:14:50.000Z',
    });
    expect(rec.dedupeKey).toBe('slack:e:Ev0REACT1');
    expect(rec.orderingKey).toBe(`slack:r:C0SUPPORT:${MSG_TS}`);
  });

  it('marks reaction_removed as removed, and orders it with the add on the same message', () => {
    const added = record(parseEventCallback(reaction(), BOT));
    const removed = record(parseEventCallback(reaction({ removed: true }), BOT));
    expect(removed.event).toMatchObject({ type: 'agent.reaction', removed: true, emoji: '👍' });
    expect(removed.orderingKey).toBe(added.orderingKey);
    expect(removed.dedupeKey).not.toBe(added.dedupeKey);
    expect(record(parseEventCallback(reaction({ ts: '1700000061.000100' }), BOT)).orderingKey).not.toBe(added.orderingKey);
  });

  it('keeps the skin tone', () => {
    expect(record(parseEventCallback(reaction({ reaction: 'pray::skin-tone-5' }), BOT)).event).toMatchObject({ emoji: '🙏🏾' });
  });

  it.each([
    ['a custom emoji (no unicode)', reaction({ reaction: 'partyparrot' }), 'custom_emoji'],
    ["Ponte's own delivery mark", reaction({ user: BOT, reaction: 'white_check_mark' }), 'own_reaction'],
    ['a reaction on a file', reaction({ itemType: 'file' }), 'not_a_message'],
  ])('skips %s', (_label, body, reason) => {
    expect(parseEventCallback(body, BOT)).toEqual({ ignored: { dedupeKey: `slack:e:${body.event_id}`, kind: `slack.${body.event.type}`, reason } });
  });

  it('rejects a reaction event without its item', () => {
    const body = reaction();
    delete (body.event as { item?: unknown }).item;
    expect(parseEventCallback(body, BOT)).toEqual({ error: expect.stringMatching(/reaction/) });
  });
});

describe('SlackBridge.react against the fake Slack', () => {
  let slack: FakeSlack;
  let bridge: SlackBridge;
  const TOKEN = 'xoxb-react-test';
  const target = `C0SUPPORT:${MSG_TS}`;

  beforeAll(async () => {
    slack = await startFakeSlack({ token: TOKEN });
    bridge = new SlackBridge({ token: TOKEN, apiUrl: slack.url });
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    slack.calls.length = 0;
  });

  const names = (method: string) => slack.callsTo(method).map((c) => c.params.name);

  it('adds by Slack name, and a customer\'s unicode emoji by its Slack name (skin tone kept)', async () => {
    await bridge.react({ externalId: target, name: 'eyes' });
    await bridge.react({ externalId: target, name: '🤔' });
    await bridge.react({ externalId: target, name: '👍🏽' });
    expect(names('reactions.add')).toEqual(['eyes', 'thinking_face', '+1::skin-tone-4']);
    expect(slack.callsTo('reactions.add')[0]?.params).toMatchObject({ channel: 'C0SUPPORT', timestamp: MSG_TS });
    expect(slack.specViolations).toEqual([]);
  });

  it('skips an emoji Slack has no name for, and a file upload, without a call or an error', async () => {
    await expect(bridge.react({ externalId: target, name: '🧑‍💻' })).resolves.toBeUndefined();
    await expect(bridge.react({ externalId: 'file:F0000000001', name: 'eyes' })).resolves.toBeUndefined();
    expect(slack.calls).toEqual([]);
  });

  it('removes with reactions.remove; no_reaction and already_reacted count as done (retries are safe)', async () => {
    await bridge.react({ externalId: target, name: '🙏' });
    await bridge.react({ externalId: target, name: '🙏' }); // already_reacted
    await bridge.react({ externalId: target, name: '🙏', remove: true });
    await bridge.react({ externalId: target, name: '🙏', remove: true }); // no_reaction
    expect(names('reactions.remove')).toEqual(['pray', 'pray']);
    expect(slack.specViolations).toEqual([]);
  });

  it('does not fail on invalid_name for a translated emoji, but does for a name Ponte chose', async () => {
    slack.failNext('reactions.add', { error: 'invalid_name' });
    await expect(bridge.react({ externalId: target, name: '🫠' })).resolves.toBeUndefined();
    slack.failNext('reactions.add', { error: 'invalid_name' });
    await expect(bridge.react({ externalId: target, name: 'not_an_emoji' })).rejects.toMatchObject({ errorClass: 'unknown', code: 'invalid_name' });
  });

  it('classifies a 429 as rate_limited with Retry-After, and not_in_channel as invalid_recipient', async () => {
    slack.failNext('reactions.remove', { status: 429, retryAfter: 9 });
    const limited = await bridge.react({ externalId: target, name: 'eyes', remove: true }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(DeliveryError);
    expect(limited).toMatchObject({ errorClass: 'rate_limited', retryAfterSeconds: 9, retryable: true });
    slack.failNext('reactions.add', { error: 'not_in_channel' });
    await expect(bridge.react({ externalId: target, name: 'eyes' })).rejects.toMatchObject({ errorClass: 'invalid_recipient', retryable: false });
  });
});
