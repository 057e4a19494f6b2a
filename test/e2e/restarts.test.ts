// Guarantee 9: a database restart and Redis losing its data need no human. This file runs its
// OWN Postgres and Redis (not the shared test servers), so it can stop, restart and flush them.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startLocalPostgres, startLocalRedis, type LocalService } from '../../src/local/index.js';
import { startPonte, type Ponte } from '../../src/main.js';
import { startFakeGraph, isMessageSend, type FakeGraph, type GraphCall } from '../fakes/graph-api.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { metaHeaders, waTextMessage } from '../fixtures/meta.js';
import { slackHeaders, slackMessageEvent, slashCommandBody } from '../fixtures/slack.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, platformEnv } from '../support/platform-env.js';
import { REPO_ROOT } from '../support/cli-process.js';
import { eventually, nextAgentTs } from '../support/harness.js';

const dataDir = path.join(REPO_ROOT, '.data', `restarts-${process.pid}-${randomBytes(3).toString('hex')}`);
const prefix = `pt${randomBytes(4).toString('hex')}`;
let pgPort: number;
let pg: LocalService;
let redis: LocalService;
let slack: FakeSlack;
let graph: FakeGraph;
let ponte: Ponte;
/** Every error that reached the process's last-resort handlers while Ponte ran. */
const strays: unknown[] = [];
const onStray = (err: unknown) => void strays.push(err);
beforeEach(() => {
  strays.length = 0;
});

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  pgPort = await freePort();
  pg = await startLocalPostgres({ dataDir, port: pgPort, fast: true });
  redis = await startLocalRedis({ dataDir, port: await freePort(), fast: true });
  slack = await startFakeSlack({ token: SECRETS.slackBot });
  graph = await startFakeGraph({ token: SECRETS.waToken });
  slack.users.set('UAGENT01', { name: 'maria', real_name: 'Maria Silva', display_name: 'Maria' });
  slack.users.set(ADMIN, { name: 'ana', real_name: 'Ana Admin', display_name: 'Ana' });
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  ponte = await startPonte({
    listen: false,
    sweepEveryMs: 500,
    env: {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      PONTE_QUEUE_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...platformEnv({ graph: graph.url, slack: slack.url }),
    },
  });
  expect(await slashCommand(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`)).not.toMatch(/error/i);
});

afterAll(async () => {
  // A Ponte that cannot stop (the bug under test) must not leave our servers running.
  await Promise.race([ponte?.stop(), new Promise((r) => setTimeout(r, 20_000))]);
  process.off('unhandledRejection', onStray);
  process.off('uncaughtException', onStray);
  await Promise.allSettled([slack?.close(), graph?.close(), redis?.stop(), pg?.stop()]);
  await rm(dataDir, { recursive: true, force: true });
  nock.enableNetConnect();
});

async function inject(url: string, payload: string, headers: Record<string, string>) {
  return ponte.app!.inject({ method: 'POST', url, payload, headers });
}

async function slashCommand(text: string): Promise<string> {
  const raw = slashCommandBody({ command: '/ponte', text, userId: ADMIN, channelId: CHANNEL });
  const res = await inject('/slack/events', raw, slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' }));
  return (JSON.parse(res.body) as { text: string }).text;
}

/** Posts until answered 200, the way Meta and Slack redeliver a webhook that failed. */
async function deliver(what: string, post: () => Promise<{ statusCode: number }>): Promise<void> {
  await eventually(`${what} accepted`, async () => (await post().catch(() => ({ statusCode: 0 }))).statusCode === 200, 30_000);
}

function customerSays(from: string, text: string): Promise<void> {
  const raw = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Rita', text }));
  return deliver(text, () => inject('/webhooks/meta', raw, metaHeaders(raw, SECRETS.meta)));
}

function agentSays(threadTs: string, text: string): Promise<void> {
  const raw = JSON.stringify(slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text, ts: nextAgentTs(), threadTs }));
  let retryNum: number | undefined;
  return deliver(text, async () => {
    const res = await inject('/slack/events', raw, slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/json', retryNum }));
    retryNum = (retryNum ?? 0) + 1;
    return res;
  });
}

async function ticketThread(from: string, text: string): Promise<string> {
  await customerSays(from, text);
  const card = await eventually(`"${text}" in Slack`, () => [...slack.messages.values()].find((m) => m.text === text && m.thread_ts));
  return card.thread_ts!;
}

const threadTexts = (ts: string) => [...slack.messages.values()].filter((m) => m.thread_ts === ts).map((m) => String(m.text));
const textsTo = (wa: string) =>
  graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'text')
    .map((c) => (c.body as { text: { body: string } }).text.body);
const sendTo = (wa: string) => (c: GraphCall) => isMessageSend(c) && (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'text';

async function restartPostgres(): Promise<void> {
  await pg.stop();
  pg = await startLocalPostgres({ dataDir, port: pgPort, fast: true });
}

describe('a Postgres restart', () => {
  it('only delays work: the process lives on, and every message is delivered once, in order', async () => {
    const wa = '5511933330001';
    const ts = await ticketThread(wa, 'c0');
    // A reply is mid-send (the lane is held) when the database goes away.
    graph.hangNext(2500, sendTo(wa));
    await agentSays(ts, 'r1');
    await eventually('the send in flight', () => graph.calls.some(sendTo(wa)));
    const flow = (async () => {
      for (let i = 1; i <= 4; i++) {
        await customerSays(wa, `c${i}`);
        await agentSays(ts, `r${i + 1}`);
      }
    })();
    await restartPostgres();
    await flow;

    const customerTexts = ['c0', 'c1', 'c2', 'c3', 'c4'];
    await eventually('the customer’s messages in the thread', () => customerTexts.every((c) => threadTexts(ts).includes(c)), 30_000);
    expect(threadTexts(ts).filter((t) => customerTexts.includes(t))).toEqual(customerTexts);
    const replies = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const sentReplies = () => textsTo(wa).map((t) => t.split('\n').pop()!);
    await eventually('the agent’s replies at the customer', () => replies.every((r) => sentReplies().includes(r)), 30_000);
    expect(sentReplies()).toEqual(replies);
    expect(strays.map(described)).toEqual([]);
  }, 90_000);
});

/** A stray error with its stack: postgres.js appends the stack of the query that failed. */
const described = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err));

describe('a backend killed in the middle of a transaction', () => {
  it('fails that transaction, and nothing is thrown from a timer', async () => {
    const killer = ponte.sql;
    let pid: number | undefined;
    const tx = ponte.sql.begin(async (t) => {
      pid = (await t<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
      await t`SELECT pg_sleep(5)`;
    });
    await eventually('the backend’s pid', () => pid);
    await killer`SELECT pg_terminate_backend(${pid!})`;
    await expect(tx).rejects.toThrow();
    expect((await ponte.sql<{ one: number }[]>`SELECT 1 AS one`)[0]!.one).toBe(1);
    expect(strays.map(described)).toEqual([]);
  });
});

describe('Redis losing its data (FLUSHALL)', () => {
  it('loses no timer and no pending work: all fire once, without a restart', async () => {
    const a = '5511933330002';
    const tsA = await ticketThread(a, 'oi, preciso de ajuda');
    await agentSays(tsA, '!schedule in 3s Ainda está por aí?');
    await eventually('the message scheduled', () => threadTexts(tsA).some((t) => t.startsWith('🕒 Scheduled:')));
    await agentSays(tsA, '!resolve in 4s sem retorno');
    await eventually('the resolve scheduled', () => threadTexts(tsA).find((t) => t.startsWith('⏰ Maria scheduled this ticket to resolve')));

    // An agent reply waiting for its retry: its delayed wake-up lives in Redis only.
    const c = '5511933330003';
    const tsC = await ticketThread(c, 'olá');
    graph.failNext({ status: 429, retryAfter: 1 }, sendTo(c));
    await agentSays(tsC, 'já vejo isso');
    await eventually('the first attempt refused', () => graph.calls.some(sendTo(c)));
    await eventually('the reply deferred', async () =>
      // A rate limit is not an attempt: the row waits, pending, with the limit as its last error.
      (await ponte.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE state = 'pending' AND last_error IS NOT NULL`)[0]!.n > 0);

    // A customer's message whose ingest job waits in Redis only (the queue paused).
    const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const ingest = new Queue('ingest', { connection: queueConnection, prefix });
    await ingest.pause();
    const b = '5511933330004';
    await customerSays(b, 'alguém aí?');

    const admin = new Redis(redis.url);
    await admin.flushall();
    await admin.quit();
    await ingest.close();
    await queueConnection.quit();

    await eventually('the paused message ingested', () => [...slack.messages.values()].some((m) => m.text === 'alguém aí?'), 20_000);
    // The refused attempt is one call already: the retry makes it two.
    await eventually('the deferred reply sent', () => textsTo(c).filter((t) => t.endsWith('já vejo isso')).length === 2, 20_000);
    await eventually('the scheduled message sent', () => textsTo(a).some((t) => t.endsWith('Ainda está por aí?')), 20_000);
    await eventually('the ticket resolved', async () =>
      (await ponte.sql<{ status: string }[]>`SELECT t.status FROM tickets t JOIN contacts ct ON ct.id = t.contact_id WHERE ct.external_id = ${a}`)[0]?.status === 'resolved', 20_000);
    await eventually('the resolve notice', () => threadTexts(tsA).some((t) => t.includes('resolved by Maria')));

    // Later sweeps find nothing more to do: each timer acted once.
    await ponte.sweep();
    await ponte.sweep();
    await new Promise((r) => setTimeout(r, 1000));
    expect(textsTo(a).filter((t) => t.endsWith('Ainda está por aí?'))).toHaveLength(1);
    expect(threadTexts(tsA).filter((t) => t.includes('resolved by Maria'))).toHaveLength(1);
    // The attempt refused with a 429, then the one accepted.
    expect(textsTo(c).filter((t) => t.endsWith('já vejo isso'))).toHaveLength(2);
    expect([...slack.messages.values()].filter((m) => m.text === 'alguém aí?')).toHaveLength(1);
    expect(strays.map(described)).toEqual([]);
  }, 60_000);
});
