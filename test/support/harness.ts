import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import nock from 'nock';
import { startPonte, type Ponte } from '../../src/main.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph-api.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { metaHeaders, waTextMessage } from '../fixtures/meta.js';
import { slackHeaders, slashCommandBody, slackMessageEvent, type SlackMessageEventOpts } from '../fixtures/slack.js';

import { ADMIN, CHANNEL, IG_ID, PAGE_ID, PHONE_ID, SECRETS, platformEnv } from './platform-env.js';

export { ADMIN, CHANNEL, IG_ID, PAGE_ID, PHONE_ID, SECRETS } from './platform-env.js';

export interface Harness {
  ponte: Ponte;
  slack: FakeSlack;
  graph: FakeGraph;
  db: TestDatabase;
  postMeta(body: unknown | string, headers?: Record<string, string>): Promise<{ statusCode: number; body: string }>;
  postSlack(raw: string, contentType: string, opts?: { retryNum?: number; timestampSec?: number }): Promise<{ statusCode: number; body: string }>;
  slashCommand(text: string, userId?: string, channelId?: string): Promise<string>;
  agentSays(o: Omit<SlackMessageEventOpts, 'ts'> & { ts?: string }, retryNum?: number): Promise<{ statusCode: number; body: string }>;
  /** A customer's WhatsApp text, signed and posted (does not wait). */
  postMetaText(from: string, name: string, text: string): Promise<{ statusCode: number; body: string }>;
  /** A customer writes on WhatsApp; resolves with the ts of their ticket's thread (its card). */
  customerWrites(from: string, name: string, text: string): Promise<string>;
  /** The texts posted in a thread, in order. */
  thread(cardTs: string): string[];
  /** The text bodies sent to a customer on WhatsApp, in order. */
  textsSentTo(waId: string): string[];
  close(): Promise<void>;
}

let tsSeq = 0;
/** A Slack ts for an agent's message, unique in the test process. */
export const nextAgentTs = () => `1800000000.${String(++tsSeq).padStart(6, '0')}`;

/**
 * The whole service, started through the real composition root, against real Postgres and
 * Redis and local fakes of Slack and the Graph API. No other egress is allowed.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const db = await createTestDatabase(inject('databaseUrl'));
  const slack = await startFakeSlack({ token: SECRETS.slackBot });
  const graph = await startFakeGraph({
    token: SECRETS.waToken,
    messengerAccounts: [
      { id: PAGE_ID, kind: 'messenger', token: SECRETS.pageToken },
      { id: IG_ID, kind: 'instagram', token: SECRETS.igToken },
    ],
  });
  slack.users.set('UAGENT01', { name: 'maria', real_name: 'Maria Silva', display_name: 'Maria' });
  slack.users.set('UAGENT02', { name: 'joao', real_name: 'João Souza', display_name: 'João' });
  slack.users.set(ADMIN, { name: 'ana', real_name: 'Ana Admin', display_name: 'Ana' });
  const started = startPonte({
    listen: false,
    sweepEveryMs: 1000,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      PONTE_QUEUE_PREFIX: `pt${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...platformEnv({ graph: graph.url, slack: slack.url }),
      ...env,
    },
  });
  const ponte = await started.catch(async (err: unknown) => {
    await Promise.all([slack.close(), graph.close()]);
    await db.drop();
    throw err;
  });
  const app = ponte.app!;

  const h: Harness = {
    ponte,
    slack,
    graph,
    db,
    async postMeta(body, headers) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: headers ?? metaHeaders(raw, SECRETS.meta) });
      return { statusCode: res.statusCode, body: res.body };
    },
    async postSlack(raw, contentType, opts = {}) {
      const headers = slackHeaders(raw, SECRETS.slackSigning, { contentType, retryNum: opts.retryNum, timestampSec: opts.timestampSec });
      const res = await app.inject({ method: 'POST', url: '/slack/events', payload: raw, headers });
      return { statusCode: res.statusCode, body: res.body };
    },
    async slashCommand(text, userId = ADMIN, channelId = CHANNEL) {
      const res = await h.postSlack(slashCommandBody({ command: '/ponte', text, userId, channelId }), 'application/x-www-form-urlencoded');
      if (res.statusCode !== 200) throw new Error(`slash command answered ${res.statusCode}`);
      return (JSON.parse(res.body) as { text: string }).text;
    },
    async agentSays(o, retryNum) {
      const event = slackMessageEvent({ ...o, ts: o.ts ?? nextAgentTs() });
      return h.postSlack(JSON.stringify(event), 'application/json', { retryNum });
    },
    postMetaText(from, name, text) {
      return h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name, text }));
    },
    async customerWrites(from, name, text) {
      const res = await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name, text }));
      if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}`);
      const posted = await eventually(`"${text}" from ${name} in Slack`, () =>
        [...slack.messages.values()].find((m) => m.text === text && m.username === name && m.thread_ts),
      );
      return posted.thread_ts!;
    },
    textsSentTo(waId) {
      return graph
        .sends()
        // A send the number's throughput refused (limitPerNumber) never reached the customer.
        .filter((c) => !c.limited && (c.body as { to?: string }).to === waId && (c.body as { type?: string }).type === 'text')
        .map((c) => (c.body as { text: { body: string } }).text.body);
    },
    thread(cardTs) {
      // What Slack shows: posts that succeeded (failed calls, e.g. a 429, are not in `messages`).
      return [...slack.messages.values()].filter((m) => m.thread_ts === cardTs).map((m) => String(m.text));
    },
    async close() {
      await ponte.stop();
      await Promise.all([slack.close(), graph.close()]);
      await db.drop();
      nock.enableNetConnect();
    },
  };
  return h;
}

/** The harness with the test WhatsApp number connected to CHANNEL: where most tests start. */
export async function startConnectedHarness(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness(env);
  await h.slashCommand(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`);
  return h;
}

/** Polls until `check` returns a value (not undefined/false); fails with `what` after the timeout. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
