// Slack over Socket Mode (SLACK_APP_TOKEN set, no SLACK_SIGNING_SECRET): the whole service through
// the real composition root, with Slack's traffic arriving as envelopes on a WebSocket instead of
// signed HTTP requests. The fake's HTTP front answers apps.connections.open and forwards every other
// Web API method to the usual fake Slack, so one SLACK_API_URL serves both, as on slack.com.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { slackMessageEvent, slashCommandBody } from '../fixtures/slack.js';
import { startFakeSlackSocket, type FakeSlackSocket } from '../fakes/slack-socket.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, eventually, nextAgentTs, startHarness, type Harness } from '../support/harness.js';

const APP_TOKEN = 'xapp-1-A0PONTE001-1234567890-test';

let socket: FakeSlackSocket;
let h: Harness | undefined;
let closed = false;

beforeAll(async () => {
  // The harness creates the fake Slack it forwards to, so the upstream is given once it exists;
  // forwarded calls made before that (auth.test at boot) wait for it.
  socket = await startFakeSlackSocket({ appToken: APP_TOKEN });
  h = await startHarness({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: socket.url, SLACK_SIGNING_SECRET: '' });
  socket.setUpstream(h.slack.url);
});
afterAll(async () => {
  if (!closed) await h?.close();
  await socket?.close();
});

const harness = (): Harness => {
  if (!h) throw new Error('harness did not start');
  return h;
};
const sendsTo = (to: string) => harness().graph.sends().filter((c) => (c.body as { to?: string }).to === to);

/** A slash command as Socket Mode carries it: the same fields as the HTTP form, as a JSON object. */
function slashEnvelope(text: string, userId = ADMIN) {
  const payload = Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/ponte', text, userId, channelId: CHANNEL })));
  return { type: 'slash_commands', payload, accepts_response_payload: true } as const;
}

describe('Slack over Socket Mode', () => {
  it('connected with the app-level token, and serves no HTTP Slack route without a signing secret', async () => {
    expect(socket.connectionsOpened).toEqual([{ token: APP_TOKEN, ok: true }]);
    expect(socket.openConnections).toBe(1);
    const res = await harness().ponte.app!.inject({ method: 'POST', url: '/slack/events', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(404);
    // The bot's own Web API calls went through the front to the fake Slack, with the bot token.
    await eventually('auth.test forwarded', () => harness().slack.callsTo('auth.test').length > 0);
    expect(harness().slack.callsTo('auth.test')[0]!.token).toBe(SECRETS.slackBot);
  });

  it('answers an admin’s /ponte connect in the ack payload', async () => {
    const id = socket.send(slashEnvelope(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`));
    const ack = await socket.waitForAck(id);
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: `WhatsApp number \`${PHONE_ID}\` now opens tickets in <#${CHANNEL}>.` });
    const rows = await harness().db.sql`SELECT channel, account_id, agent_destination FROM connections`;
    expect(rows).toEqual([{ channel: 'whatsapp', account_id: PHONE_ID, agent_destination: CHANNEL }]);
  });

  it('refuses the same command from a non-admin, still acking', async () => {
    const id = socket.send(slashEnvelope(`connect whatsapp 999 <#C999|other>`, 'UAGENT01'));
    const ack = await socket.waitForAck(id);
    expect(ack.payload?.response_type).toBe('ephemeral');
    expect(String(ack.payload?.text)).not.toMatch(/now opens tickets/);
  });

  it('opens a thread for a WhatsApp customer; an agent reply over the socket is acked and sent to WhatsApp once, even when retried', async () => {
    const customer = '5511900000101';
    const res = await harness().postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: customer, name: 'Lara Socket', text: 'oi pelo socket' }));
    expect(res.statusCode).toBe(200);
    const slack = harness().slack;
    const card = await eventually('the ticket card', () =>
      [...slack.messages.values()].find((m) => !m.thread_ts && m.channel === CHANNEL && m.text?.includes('Lara Socket')));
    await eventually('the customer’s message in the thread', () =>
      slack.callsTo('chat.postMessage').find((c) => c.params.thread_ts === card.ts && c.params.text === 'oi pelo socket'));

    const eventId = 'Ev0SOCKET0001';
    const ts = nextAgentTs();
    const body = slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Lara, resolvo já', threadTs: card.ts, eventId, ts });
    const first = socket.send({ type: 'events_api', payload: body, accepts_response_payload: false, retry_attempt: 0, retry_reason: '' });
    // Events are recorded, then processed by the worker: the ack carries no body.
    expect((await socket.waitForAck(first)).payload).toEqual({});

    const send = await eventually('the WhatsApp send', () => sendsTo(customer)[0]);
    expect(send.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    expect(send.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(send.body).toMatchObject({ messaging_product: 'whatsapp', to: customer, type: 'text', text: { body: '*Maria:*\nOi Lara, resolvo já' } });

    // Slack redelivers the same event (same event_id) on a new envelope, marked as a retry.
    const retry = socket.send({ type: 'events_api', payload: body, accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout' });
    expect(retry).not.toBe(first);
    expect((await socket.waitForAck(retry)).payload).toEqual({});
    await harness().ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(sendsTo(customer)).toHaveLength(1);
  });

  it('acks what it does not act on (an interaction), so Slack does not redeliver it', async () => {
    const id = socket.send({ type: 'interactive', payload: { type: 'block_actions', actions: [] }, accepts_response_payload: true });
    expect((await socket.waitForAck(id)).payload).toEqual({});
  });

  it('reconnects when Slack asks it to (type: disconnect) and keeps handling envelopes', async () => {
    socket.sendRaw({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-fake-1' } });
    // The SDK waits its reconnect delay (clientPingTimeout, 5 s), then asks for a new URL.
    await eventually('a second apps.connections.open', () => socket.connectionsOpened.length === 2, 9000);
    await eventually('the new connection', () => socket.openConnections === 1, 3000);
    expect(socket.connectionsOpened[1]).toEqual({ token: APP_TOKEN, ok: true });
    const id = socket.send(slashEnvelope('help'));
    expect(String((await socket.waitForAck(id)).payload?.text)).toContain('/ponte connect');
  }, 15_000);

  it('made only spec-conformant Slack calls and sent the client nothing it did not expect', () => {
    expect(harness().slack.specViolations).toEqual([]);
    expect(socket.unexpected).toEqual([]);
    expect(socket.forwarded).toContain('chat.postMessage');
  });

  it('disconnects cleanly on stop (close handshake, no reconnect)', async () => {
    const opened = socket.connectionsOpened.length;
    closed = true;
    await harness().close();
    await socket.waitForDisconnect(3000);
    expect(socket.openConnections).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.connectionsOpened).toHaveLength(opened); // did not reconnect
  });
});
