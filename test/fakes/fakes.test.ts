// Proves the fakes answer the way the vendors do, through the same clients the app uses, so a
// test that passes against them means something. Fixture builders are checked against the
// vendors' published vectors and schema here too.
import { readFileSync } from 'node:fs';
import { ErrorCode, WebClient, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './graph-api.js';
import { SLACK_TIER3, startFakeSlack, type FakeSlack } from './slack-api.js';
import { escapeNonAscii, signMeta, waBatch, waMessageOfType, waStatus, waTextMessage } from '../fixtures/meta.js';
import { SLACK_SIGNING_EXAMPLE, signSlack, slackHeaders, slackMessageEvent, slashCommandBody } from '../fixtures/slack.js';

const TOKEN = 'xoxb-test-token';
let slack: FakeSlack;
let graph: FakeGraph;
let web: WebClient;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  [slack, graph] = await Promise.all([startFakeSlack({ token: TOKEN, botUserId: 'UBOT', botId: 'BBOT' }), startFakeGraph({ token: 'EAAG-test' })]);
  web = new WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});

afterAll(async () => {
  await Promise.all([slack.close(), graph.close()]);
  nock.enableNetConnect();
});

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the call to reject');
}

describe('fake Slack Web API through a real WebClient', () => {
  it('posts a message with blocks, decodes them, and conforms to the spec', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Maria*: olá' } }];
    const res = await web.chat.postMessage({ channel: 'C1', text: 'Maria: olá', blocks });
    expect(res.ok).toBe(true);
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(res.message).toMatchObject({ text: 'Maria: olá', bot_id: 'BBOT', ts: res.ts });

    const [call] = slack.callsTo('chat.postMessage');
    expect(call?.token).toBe(TOKEN);
    expect(call?.params.blocks).toEqual(blocks); // arrived as a JSON string in a form body
    expect(slack.specViolations).toEqual([]);

    const reply = await web.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: res.ts as string });
    expect(Number(reply.ts)).toBeGreaterThan(Number(res.ts));
    await web.chat.update({ channel: 'C1', ts: res.ts as string, text: 'edited' });
    expect(slack.messages.get(`C1/${res.ts}`)?.text).toBe('edited');
  });

  it('surfaces ok:false as a platform_error with data.error', async () => {
    const err = (await rejection(web.chat.update({ channel: 'C1', ts: '1.000000', text: 'x' }))) as WebAPIPlatformError;
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect(err.data.error).toBe('message_not_found');

    slack.failNext('reactions.add', { error: 'channel_not_found' });
    const injected = (await rejection(web.reactions.add({ channel: 'C1', timestamp: '1.0', name: 'eyes' }))) as WebAPIPlatformError;
    expect(injected.data.error).toBe('channel_not_found');
    await web.reactions.add({ channel: 'C1', timestamp: '1.0', name: 'eyes' });
    const dup = (await rejection(web.reactions.add({ channel: 'C1', timestamp: '1.0', name: 'eyes' }))) as WebAPIPlatformError;
    expect(dup.data.error).toBe('already_reacted');
  });

  it('surfaces an injected 429 as a rate-limited error with retryAfter, then recovers', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = (await rejection(web.chat.postMessage({ channel: 'C1', text: 'x' }))) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('surfaces an injected 5xx as an http_error', async () => {
    slack.failNext('auth.test', { status: 503 });
    const err = (await rejection(web.auth.test())) as WebAPIHTTPError;
    expect(err.code).toBe(ErrorCode.HTTPError);
    expect(err.statusCode).toBe(503);
    await expect(web.auth.test()).resolves.toMatchObject({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001' });
  });

  it('rejects a wrong token with invalid_auth and answers users.info from seeded users', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    const err = (await rejection(wrong.auth.test())) as WebAPIPlatformError;
    expect(err.data.error).toBe('invalid_auth');

    slack.users.set('U1', { name: 'ana', real_name: 'Ana Lima', display_name: 'Ana', is_admin: true });
    const info = await web.users.info({ user: 'U1' });
    expect(info.user).toMatchObject({ id: 'U1', real_name: 'Ana Lima', is_admin: true, profile: { display_name: 'Ana' } });
    expect(((await rejection(web.users.info({ user: 'U404' }))) as WebAPIPlatformError).data.error).toBe('user_not_found');
  });

  it('records spec violations for a missing required parameter and an unknown one', async () => {
    const before = slack.specViolations.length;
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'hi', thread: '1.0' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, error: 'channel_not_found' });
    const added = slack.specViolations.slice(before);
    expect(added).toHaveLength(2);
    expect(added[0]).toBe('chat.postMessage: missing required parameter "channel"');
    expect(added[1]).toMatch(/^chat\.postMessage: parameter "thread" is not in the spec/);
  });

  it('takes a filesUploadV2 upload into a thread (methods newer than the spec snapshot)', async () => {
    const violationsBefore = slack.specViolations.length;
    const res = await web.filesUploadV2({ channel_id: 'C1', thread_ts: '1700000000.000100', file: Buffer.from('%PDF-1'), filename: 'nota.pdf' });
    expect(res.ok).toBe(true);
    const [upload] = [...slack.uploads.values()];
    expect(upload?.bytes?.toString()).toBe('%PDF-1');
    expect(upload?.completed).toMatchObject({ channel_id: 'C1', thread_ts: '1700000000.000100' });
    expect(slack.specViolations.slice(violationsBefore)).toEqual([]);
  });

  it('keeps message metadata and reads a thread back with it only when asked, page by page', async () => {
    const violationsBefore = slack.specViolations.length;
    const parent = await web.chat.postMessage({ channel: 'C9', text: 'card' });
    const threadTs = parent.ts as string;
    for (const n of [1, 2, 3]) {
      await web.chat.postMessage({ channel: 'C9', thread_ts: threadTs, text: `reply ${n}`, metadata: { event_type: 'ponte_post', event_payload: { id: `m${n}` } } });
    }
    const plain = await web.conversations.replies({ channel: 'C9', ts: threadTs });
    expect(plain.messages?.map((m) => m.text)).toEqual(['card', 'reply 1', 'reply 2', 'reply 3']);
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);
    const first = await web.conversations.replies({ channel: 'C9', ts: threadTs, include_all_metadata: true, limit: 2 });
    expect(first.has_more).toBe(true);
    const rest = await web.conversations.replies({ channel: 'C9', ts: threadTs, include_all_metadata: true, limit: 2, cursor: first.response_metadata?.next_cursor });
    const seen = [...(first.messages ?? []), ...(rest.messages ?? [])].map((m) => (m as { metadata?: { event_payload?: { id?: string } } }).metadata?.event_payload?.id);
    expect(seen).toEqual([undefined, 'm1', 'm2', 'm3']);
    expect(rest.has_more).toBe(false);
    expect(((await rejection(web.conversations.replies({ channel: 'C9', ts: '1.000001' }))) as WebAPIPlatformError).data.error).toBe('thread_not_found');
    expect(slack.specViolations.slice(violationsBefore)).toEqual([]);
  });

  it('can take a post and then fail to answer (5xx, or a dropped connection)', async () => {
    const before = slack.messages.size;
    slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    const err = (await rejection(web.chat.postMessage({ channel: 'C8', text: 'landed anyway' }))) as WebAPIHTTPError;
    expect(err.code).toBe(ErrorCode.HTTPError);
    slack.failNext('chat.postMessage', { status: 0, afterEffect: true });
    const dropped = await rejection(web.chat.postMessage({ channel: 'C8', text: 'landed too' }));
    expect(dropped.code).toBe(ErrorCode.RequestError);
    expect([...slack.messages.values()].slice(before).map((m) => m.text)).toEqual(['landed anyway', 'landed too']);
  });

  it('holds chat.postMessage to a per-channel rate with 429 and Retry-After, other channels unaffected', async () => {
    slack.limitPerChannel({ perSecond: 1, retryAfter: 2 });
    try {
      await web.chat.postMessage({ channel: 'CRATE', text: 'first' });
      const err = (await rejection(web.chat.postMessage({ channel: 'CRATE', text: 'too soon' }))) as WebAPIRateLimitedError;
      expect(err.code).toBe(ErrorCode.RateLimitedError);
      expect(err.retryAfter).toBe(2);
      await expect(web.chat.postMessage({ channel: 'COTHER', text: 'elsewhere' })).resolves.toMatchObject({ ok: true });
      expect(slack.rateLimited.get('CRATE')).toBe(1);
      expect([...slack.messages.values()].some((m) => m.text === 'too soon')).toBe(false);
    } finally {
      slack.limitPerChannel(null);
    }
  });

  it("holds chat.update to Slack's Tier 3 for the workspace: the 51st call within 60 s is 429, Retry-After until the oldest leaves the window", async () => {
    const card = await web.chat.postMessage({ channel: 'CTIER', text: 'card v0' });
    slack.limitUpdates(SLACK_TIER3);
    try {
      const update = (channel: string, ts: string, text: string) => web.chat.update({ channel, ts, text });
      // Any channel, one workspace: the tier counts the method, not the message.
      const other = await web.chat.postMessage({ channel: 'COTHER2', text: 'other card' });
      for (let i = 1; i < 50; i++) await update('CTIER', card.ts!, `card v${i}`);
      await update('COTHER2', other.ts!, 'other card v1');
      const err = (await rejection(update('CTIER', card.ts!, 'card v51'))) as WebAPIRateLimitedError;
      expect(err.code).toBe(ErrorCode.RateLimitedError);
      // Whole seconds until the first of the 50 leaves the 60 s window.
      expect(err.retryAfter).toBeGreaterThanOrEqual(59);
      expect(err.retryAfter).toBeLessThanOrEqual(60);
      expect(slack.updatesLimited()).toBe(1);
      expect(slack.messages.get(`CTIER/${card.ts!}`)?.text).toBe('card v49');
      expect(slack.callsTo('chat.update').at(-1)?.limited).toBe(true);
      // Other methods are not held by chat.update's tier.
      await expect(web.chat.postMessage({ channel: 'CTIER', text: 'a post' })).resolves.toMatchObject({ ok: true });
    } finally {
      slack.limitUpdates(null);
    }
    await expect(web.chat.update({ channel: 'CTIER', ts: card.ts!, text: 'lifted' })).resolves.toMatchObject({ ok: true });
  });

  it('waitFor rejects with the calls it saw', async () => {
    const err = await rejection(slack.waitFor((calls) => calls.some((c) => c.method === 'views.open'), 30));
    expect(err.message).toMatch(/FakeSlack\.waitFor timed out after 30 ms; \d+ call\(s\) received:\n {2}1\. chat\.postMessage/);
  });
});

describe('fake Graph API', () => {
  const send = (body: unknown, token = 'EAAG-test') =>
    fetch(`${graph.url}/v21.0/106540352242922/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const text = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321', type: 'text', text: { body: 'Olá' } };

  it('rejects a wrong token with code 190 and accepts a valid text send', async () => {
    const bad = await send(text, 'EAAG-wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 190, type: 'OAuthException' } });

    const ok = await send(text);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { contacts: unknown; messages: { id: string }[] };
    expect(body.contacts).toEqual([{ input: '5511987654321', wa_id: '5511987654321' }]);
    expect(body.messages[0]?.id).toMatch(/^wamid\./);
    expect(graph.sends().at(-1)?.body).toEqual(text);
  });

  it('validates send bodies, marks as read, injects failures and hangs', async () => {
    const invalid = await send({ ...text, text: {} });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 100, error_data: { details: "The parameter text['body'] is required." } } });
    expect(await (await send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' })).json()).toEqual({ success: true });

    graph.failNext({ status: 400, error: { message: 'Re-engagement', code: 131047 } });
    expect(await (await send(text)).json()).toMatchObject({ error: { code: 131047, fbtrace_id: expect.any(String) } });

    graph.hangNext(2000);
    const started = Date.now();
    await expect(fetch(`${graph.url}/v21.0/1/messages`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await fetch(`${graph.url}/v21.0/me/feed`)).status).toBe(404);
  });
});

describe('fixtures', () => {
  it('signSlack reproduces Slack\'s documented vector, and slashCommandBody its body', () => {
    const { secret, timestamp, body, signature } = SLACK_SIGNING_EXAMPLE;
    expect(signSlack(body, secret, timestamp)).toBe(signature);
    expect(slackHeaders(body, secret, { timestampSec: timestamp, retryNum: 1 })).toMatchObject({
      'x-slack-signature': signature, 'x-slack-request-timestamp': '1531420618', 'x-slack-retry-num': '1',
      'content-type': 'application/x-www-form-urlencoded',
    });
    const rebuilt = slashCommandBody({
      token: 'xyzz0WbapA4vBCDEFasx0q6G', teamId: 'T1DC2JH3J', teamDomain: 'testteamnow', channelId: 'G8PSS9T3V',
      channelName: 'foobar', userId: 'U2CERLKJA', userName: 'roadrunner', command: '/webhook-collect', text: '', apiAppId: null,
      responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });
    expect(rebuilt).toBe(body);
  });

  it('slackMessageEvent carries every field Slack\'s wrapper schema requires', () => {
    const schemaUrl = new URL('../../../shared/specs/slack-event-wrapper-schema.json', import.meta.url);
    const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as { required: string[] };
    const env = slackMessageEvent({ channel: 'C1', user: 'U1', text: 'oi', ts: '1700000001.000200', threadTs: '1700000000.000100' });
    for (const field of schema.required) expect(env, field).toHaveProperty(field);
    expect(env.event).toMatchObject({ type: 'message', thread_ts: '1700000000.000100', event_ts: '1700000001.000200' });
    expect(slackMessageEvent({ channel: 'C1', user: 'U1', text: 'b', ts: '1.0' }).event_id).not.toBe(env.event_id);
  });

  it('builds signed, escaped, batched WhatsApp deliveries', () => {
    const a = waTextMessage({ phoneNumberId: 'P1', from: '551100', name: 'José', text: 'Olá 👋' });
    const raw = JSON.stringify(a);
    const escaped = escapeNonAscii(raw);
    expect(escaped).toContain('Jos\\u00e9');
    expect(escaped).toContain('\\ud83d\\udc4b');
    expect(JSON.parse(escaped)).toEqual(a);
    expect(signMeta(escaped, 's')).not.toBe(signMeta(raw, 's'));
    expect(signMeta(raw, 's')).toMatch(/^sha256=[0-9a-f]{64}$/);

    const batch = waBatch(a, waMessageOfType('image', { caption: 'nota' }, { phoneNumberId: 'P1', from: '551100' }),
      waStatus({ phoneNumberId: 'P2', id: 'wamid.S', status: 'read', recipientId: '551100' }),
      waTextMessage({ phoneNumberId: 'P3', wabaId: 'W2', from: '551101', text: 'x' }));
    expect(batch.entry).toHaveLength(2);
    const [p1, p2] = batch.entry[0]?.changes ?? [];
    expect(p1?.value.messages?.map((m) => m.type)).toEqual(['text', 'image']);
    expect(p1?.value.messages?.[1]).toMatchObject({ image: { caption: 'nota', mime_type: 'image/jpeg' } });
    expect(p1?.value.contacts).toHaveLength(1);
    expect(p2?.value.statuses?.[0]).toMatchObject({ id: 'wamid.S', status: 'read' });
    expect(typeof p1?.value.messages?.[0]?.timestamp).toBe('string');
  });
});
