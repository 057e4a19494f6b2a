// Ponte as an operator runs it: `node bin/ponte.js …` in a child process, configured only through
// its environment, observed only from outside (real HTTP, its stdout/stderr, its exit code).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph-api.js';
import { metaHeaders, signMeta, waTextMessage } from '../fixtures/meta.js';
import { slackHeaders, slackMessageEvent, slashCommandBody } from '../fixtures/slack.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/harness.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, platformEnv } from '../support/platform-env.js';
import { exitWithin, runCli, startCli, type CliProcess } from '../support/cli-process.js';

const CUSTOMER_PHONE = '5511976543210';
const CUSTOMER_TEXT = 'meu cartão final 9876 foi recusado';
const AGENT_TEXT = 'Vou verificar seu pagamento agora';

let db: TestDatabase;
let slack: FakeSlack;
let graph: FakeGraph;
let ponte: CliProcess | undefined;
let base = '';

beforeAll(async () => {
  [db, slack, graph] = await Promise.all([
    createTestDatabase(inject('databaseUrl')),
    startFakeSlack({ token: SECRETS.slackBot }),
    startFakeGraph({ token: SECRETS.waToken }),
  ]);
  slack.users.set('UAGENT01', { name: 'maria', real_name: 'Maria Silva', display_name: 'Maria' });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  ponte = startCli(['start'], {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    PORT: String(port),
    HOST: '127.0.0.1',
    PONTE_QUEUE_PREFIX: `pp${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'info',
    ...platformEnv({ graph: graph.url, slack: slack.url }),
  });
  await ponte.waitForLog((l) => l.msg === 'ponte started');
});

afterAll(async () => {
  if (ponte && ponte.child.exitCode === null && ponte.child.signalCode === null) {
    ponte.child.kill('SIGKILL');
    await ponte.exited;
  }
  await Promise.all([slack?.close(), graph?.close()]);
  await db?.drop();
});

const get = (path: string) => fetch(`${base}${path}`);
const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${base}${path}`, { method: 'POST', body, headers });
const running = (): CliProcess => {
  if (!ponte) throw new Error('ponte did not start');
  return ponte;
};

describe('node bin/ponte.js start', () => {
  it('is alive and ready: Postgres, Redis and migrations', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, postgres: true, redis: true, migrations: true });
  });

  it('answers Meta’s subscription handshake only with the right verify token', async () => {
    const ok = await get(`/webhooks/meta?hub.mode=subscribe&hub.verify_token=${SECRETS.verify}&hub.challenge=123`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('123');
    const wrong = await get('/webhooks/meta?hub.mode=subscribe&hub.verify_token=not-it&hub.challenge=123');
    expect(wrong.status).toBe(403);
  });

  it('refuses a badly signed webhook with 401 and counts it in /metrics', async () => {
    const raw = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000999', text: 'forged' }));
    const res = await post('/webhooks/meta', raw, { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, 'wrong-secret') });
    expect(res.status).toBe(401);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain('# TYPE ponte_webhook_requests_total counter');
    expect(text).toMatch(/^ponte_webhook_requests_total\{source="meta",outcome="unauthorized"\} 1$/m);
  });

  it('logs, at boot, one JSON line per platform saying whether it is on', () => {
    const lines = running().jsonLines();
    expect(lines.length).toBeGreaterThan(0);
    const platform = (name: string) => lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(`${name}: `));
    for (const name of ['whatsapp', 'messenger', 'instagram', 'slack']) expect(platform(name).map((l) => l.msg)).toEqual([`${name}: on`]);
    for (const name of ['discord']) {
      const [line, ...more] = platform(name);
      expect(more).toEqual([]);
      // Off, and why / what would turn it on.
      expect(line?.msg).toMatch(new RegExp(`^${name}: off \\(.+\\)$`));
    }
  });

  it('relays a customer message and an agent reply without logging tokens, secrets, the phone number or any text', async () => {
    // Route the number to a channel, as an admin would, over signed HTTP.
    const command = slashCommandBody({ command: '/ponte', text: `connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`, userId: ADMIN, channelId: CHANNEL });
    const connected = await post('/slack/events', command, slackHeaders(command, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' }));
    expect(connected.status).toBe(200);
    expect(((await connected.json()) as { text: string }).text).toContain(PHONE_ID);

    const raw = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: CUSTOMER_PHONE, name: 'Rita Processo', text: CUSTOMER_TEXT }));
    expect((await post('/webhooks/meta', raw, metaHeaders(raw, SECRETS.meta))).status).toBe(200);
    const inThread = await eventually('the customer message in a Slack thread', () =>
      slack.callsTo('chat.postMessage').find((c) => c.params.text === CUSTOMER_TEXT && c.params.thread_ts), 10_000);

    const event = JSON.stringify(slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: AGENT_TEXT, threadTs: String(inThread.params.thread_ts), ts: '1800000500.000100' }));
    expect((await post('/slack/events', event, slackHeaders(event, SECRETS.slackSigning))).status).toBe(200);
    await eventually('the WhatsApp send', () => graph.sends().find((c) => (c.body as { to?: string }).to === CUSTOMER_PHONE), 10_000);
    await new Promise((r) => setTimeout(r, 200)); // let the worker log what it does after the send

    const log = running().stdout + running().stderr;
    const secrets = {
      'WhatsApp token': SECRETS.waToken, 'Slack bot token': SECRETS.slackBot, 'Meta app secret': SECRETS.meta,
      'Slack signing secret': SECRETS.slackSigning, 'verify token': SECRETS.verify,
      'customer phone': CUSTOMER_PHONE, 'customer text': CUSTOMER_TEXT, 'agent text': AGENT_TEXT,
    };
    const leaked = Object.entries(secrets).filter(([, value]) => log.includes(value)).map(([what]) => what);
    expect(leaked).toEqual([]);
    expect(slack.specViolations).toEqual([]);
  });

  it('shuts down gracefully on SIGTERM: exit code 0 within 15 s', async () => {
    const p = running();
    const before = Date.now();
    p.child.kill('SIGTERM');
    const exit = await exitWithin(p, 15_000);
    expect(exit, `still running 15 s after SIGTERM; stderr:\n${p.stderr}`).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(15_000);
    expect(p.jsonLines().some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    expect(p.stderr).toBe('');
  });
});

describe.concurrent('node bin/ponte.js, one-shot commands', () => {
  it('migrate: applies the migrations to a fresh database and exits 0', async () => {
    const fresh = await createTestDatabase(inject('databaseUrl'));
    try {
      const run = await runCli(['migrate'], { DATABASE_URL: fresh.url, LOG_LEVEL: 'info' });
      expect(run.code, run.stderr).toBe(0);
      const [row] = await fresh.sql<{ t: string | null }[]>`SELECT to_regclass('public.tickets')::text AS t`;
      expect(row?.t).toBe('tickets');
    } finally {
      await fresh.drop();
    }
  });

  it('start --role gateway without DISCORD_BOT_TOKEN: exits 1 with one line naming it', async () => {
    const run = await runCli(['start', '--role', 'gateway'], { DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), LOG_LEVEL: 'silent' }, 40_000);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/DISCORD_BOT_TOKEN/);
  }, 60_000);

  it('a bad PORT exits 1 with one line naming PORT, and no stack', async () => {
    const run = await runCli(['start'], { PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ponte: invalid configuration: PORT\b/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a port in use exits 1 with one line naming it and the way out; the stack only with LOG_LEVEL=debug', async () => {
    const taken = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(taken, '127.0.0.1', r));
    try {
      const env = { DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), PORT: String(taken), HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
      const run = await runCli(['start', '--role', 'web'], env, 40_000);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([`ponte: 127.0.0.1:${taken} is already in use: stop what listens there, or set PORT (and HOST) to a free one.`]);
      const debug = await runCli(['start', '--role', 'web'], { ...env, LOG_LEVEL: 'debug' }, 40_000);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/EADDRINUSE/);
      expect(debug.stderr.trim().split('\n').length).toBeGreaterThan(1);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  }, 90_000);
});
