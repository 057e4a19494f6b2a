import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { escapeNonAscii, metaHeaders, newWamid, signMeta, waTextMessage } from '../fixtures/meta.js';
import { interactionBody, slackHeaders, slackMessageEvent, slashCommandBody, slackUrlVerification } from '../fixtures/slack.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, eventually, startHarness, type Harness } from '../support/harness.js';
import { buildApp } from '../../src/http/app.js';
import { Inbox } from '../../src/pipeline/inbox.js';
import type { InboundRecord } from '../../src/core/inbound-record.js';
import { createMetrics } from '../../src/metrics.js';
import pino from 'pino';
import { Writable } from 'node:stream';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ PONTE_BODY_LIMIT: String(64 * 1024) });
});
afterAll(async () => h?.close());

const countEvents = async () => (await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM inbound_events`)[0]!.n;
const inject = (opts: InjectOptions) => h.ponte.app!.inject(opts);

describe('Meta webhook edges', () => {
  it('answers the subscription handshake only with the right verify token', async () => {
    const ok = await inject({ method: 'GET', url: `/webhooks/meta?hub.mode=subscribe&hub.verify_token=${SECRETS.verify}&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    const wrong = await inject({ method: 'GET', url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1' });
    expect(wrong.statusCode).toBe(403);
    const mode = await inject({ method: 'GET', url: `/webhooks/meta?hub.mode=unsubscribe&hub.verify_token=${SECRETS.verify}&hub.challenge=1` });
    expect(mode.statusCode).toBe(403);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const before = await countEvents();
    const raw = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511911110000', text: 'forged' }));
    const wrongSecret = await h.postMeta(raw, { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, 'not-the-secret') });
    const missing = await h.postMeta(raw, { 'content-type': 'application/json' });
    const tampered = await h.postMeta(raw.replace('forged', 'forgeD'), metaHeaders(raw, SECRETS.meta));
    expect([wrongSecret.statusCode, missing.statusCode, tampered.statusCode]).toEqual([401, 401, 401]);
    expect(await countEvents()).toBe(before);
  });

  it('verifies a \\u-escaped body over its bytes and shows the text readable', async () => {
    await h.slashCommand(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`);
    const raw = escapeNonAscii(JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511922220000', name: 'Zoë Ğ', text: 'Olá, ação rápida 🚀' })));
    expect(raw).toContain('\\u00e1');
    expect((await h.postMeta(raw)).statusCode).toBe(200);
    await eventually('the readable text in Slack', () => h.slack.callsTo('chat.postMessage').find((c) => c.params.text === 'Olá, ação rápida 🚀'));
  });

  it('records a signed but malformed delivery as rejected, answers 200 and counts it', async () => {
    const bodies = ['{"object":"whatsapp_business_account","entry":"nope"}', 'not json at all', '{"object":"something_else","entry":[]}'];
    for (const raw of bodies) expect((await h.postMeta(raw)).statusCode).toBe(200);
    const rows = await h.db.sql<{ reason: string; raw: string }[]>`SELECT reason, raw FROM inbound_events WHERE state = 'rejected' ORDER BY id`;
    expect(rows.map((r) => r.raw)).toEqual(expect.arrayContaining(bodies));
    expect(rows.map((r) => r.reason).join('\n')).toMatch(/invalid WhatsApp envelope[\s\S]*not JSON[\s\S]*unknown object: something_else/);
    const metrics = (await inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ponte_webhook_requests_total\{source="meta",outcome="rejected"\} [3-9]/);
  });

  it('keeps the readable messages of a batch when one message in it is malformed', async () => {
    const good = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511933330000', name: 'Kiko', text: 'a good one' });
    const value = good.entry[0]!.changes[0]!.value as { messages: unknown[] };
    value.messages.push({ type: 'text', text: { body: 'no id, no from' } });
    expect((await h.postMeta(good)).statusCode).toBe(200);
    await eventually('the good message', () => h.slack.callsTo('chat.postMessage').find((c) => c.params.text === 'a good one'));
    const [row] = await h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE state = 'rejected' AND reason = 'message not read: messages.1.id: expected string, received undefined'`;
    expect(row).toBeDefined();
  });

  it('records an unknown phone_number_id without mirroring it, and shows it in /ponte status', async () => {
    const posts = h.slack.callsTo('chat.postMessage').length;
    expect((await h.postMeta(waTextMessage({ phoneNumberId: '999000111', from: '5511944440000', text: 'to nowhere' }))).statusCode).toBe(200);
    const row = await eventually('the unrouted event', async () => {
      const [r] = await h.db.sql<{ state: string; reason: string }[]>`
        SELECT state, reason FROM inbound_events WHERE payload->>'accountId' = '999000111' AND state <> 'pending'`;
      return r;
    });
    expect(row).toEqual({ state: 'ignored', reason: 'unknown_account' });
    expect(h.slack.callsTo('chat.postMessage').length).toBe(posts);
    const status = await h.slashCommand('status', 'UNOBODY1');
    expect(status).toContain('999000111');
    expect(status).toContain(PHONE_ID);
  });

  it('answers 413 to a body over the limit', async () => {
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(70 * 1024) });
    expect((await h.postMeta(raw)).statusCode).toBe(413);
  });
});

describe('Slack request edges', () => {
  it('answers url_verification with the challenge', async () => {
    const res = await h.postSlack(JSON.stringify(slackUrlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')), 'application/json');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('refuses stale timestamps and bad signatures with 401 and stores nothing', async () => {
    const before = await countEvents();
    const raw = JSON.stringify(slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: 'hi', ts: '1800000900.000001', threadTs: '1800000000.000001' }));
    const stale = await h.postSlack(raw, 'application/json', { timestampSec: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(401);
    const headers = slackHeaders(raw, 'wrong-secret', { contentType: 'application/json' });
    const forged = await inject({ method: 'POST', url: '/slack/events', payload: raw, headers });
    expect(forged.statusCode).toBe(401);
    expect(await countEvents()).toBe(before);
  });

  it('refuses configuration to non-admins in words and changes nothing', async () => {
    const reply = await h.slashCommand('connect whatsapp 555000111 <#CSALES01|sales>', 'UAGENT02');
    expect(reply).toMatch(/only Ponte admins/);
    const rows = await h.db.sql`SELECT 1 FROM connections WHERE account_id = '555000111'`;
    expect(rows).toHaveLength(0);
  });

  it('explains usage mistakes to admins without changing anything', async () => {
    expect(await h.slashCommand('connect whatsapp')).toMatch(/Usage/);
    expect(await h.slashCommand('connect telegram 123456')).toMatch(/not a channel Ponte can connect/);
    expect(await h.slashCommand('connect whatsapp not-a-number')).toMatch(/does not look like/);
    expect(await h.slashCommand('connect whatsapp 5550001112 #sales')).toMatch(/autocomplete/);
    expect(await h.slashCommand('frobnicate')).toMatch(/Unknown command/);
    expect(await h.slashCommand('help')).toMatch(/connect &lt;whatsapp\|messenger\|instagram&gt;/);
    const rows = await h.db.sql`SELECT 1 FROM connections WHERE account_id IN ('5550001112')`;
    expect(rows).toHaveLength(0);
  });

  it('answers a signed interaction or unreadable form with 200 and records it', async () => {
    expect((await h.postSlack(interactionBody({ type: 'block_actions', actions: [] }), 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    expect((await h.postSlack('payload=%7Bnot-json', 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    expect((await h.postSlack('{"type":"event_callback","team_id":"T0001"}', 'application/json')).statusCode).toBe(200);
    const rejected = await h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE source = 'slack' AND state = 'rejected'`;
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining(['unreadable body', expect.stringMatching(/invalid event_callback/)]));
    // A body that names no team is nobody's: refused as foreign, not acted on.
    const [teamless] = await h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE source = 'slack' AND reason = 'foreign_team:none'`;
    expect(teamless).toBeDefined();
  });

  it('answers slash commands ephemerally: only the person who typed sees the answer', async () => {
    const res = await h.postSlack(slashCommandBody({ command: '/ponte', text: 'status', userId: ADMIN, channelId: CHANNEL }), 'application/x-www-form-urlencoded');
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Ponte status') });
  });
});

describe('text Postgres cannot store (NUL, lone surrogates)', () => {
  it('keeps every message of a WhatsApp batch where one has NUL and one a lone surrogate, cleaned, and answers 200', async () => {
    await h.slashCommand(`connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`);
    const env = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511955550000', name: 'Nul Person', text: 'first\u0000 one' });
    const value = env.entry[0]!.changes[0]!.value as { messages: Record<string, unknown>[] };
    const base = value.messages[0]!;
    value.messages.push({ ...base, id: newWamid(), text: { body: 'second \ud800 one' } }, { ...base, id: newWamid(), text: { body: 'third one' } });
    const raw = JSON.stringify(env);
    expect(raw).toContain('\\u0000');
    expect(raw).toContain('\\ud800');
    const res = await h.postMeta(raw);
    expect(res.statusCode).toBe(200);
    for (const text of ['first one', 'second \uFFFD one', 'third one']) {
      await eventually(`"${text}" in Slack`, () => h.slack.callsTo('chat.postMessage').find((c) => c.params.text === text));
    }
  });

  it('keeps a rejected delivery storable, NUL bytes and all', async () => {
    // Raw NUL bytes: not JSON at all, recorded as rejected with its text cleaned.
    const raw = '{"object":"nul-bytes\u0000"}\u0000';
    expect((await h.postMeta(raw)).statusCode).toBe(200);
    const rows = await h.db.sql<{ raw: string }[]>`SELECT raw FROM inbound_events WHERE state = 'rejected' AND reason = 'body is not JSON'`;
    expect(rows.map((r) => r.raw)).toContain('{"object":"nul-bytes"}');
  });

  it('keeps the rest of a batch when the database still refuses one record, and records that one as rejected', async () => {
    const inbox = new Inbox(h.db.sql, { ingest: async () => {} } as never, createMetrics(), pino({ level: 'silent' }));
    const record = (id: string, text: string): InboundRecord => ({
      event: { type: 'customer.message', channel: 'whatsapp', accountId: 'net-test', externalId: id, contact: { externalId: '1' }, occurredAt: new Date().toISOString(), kind: 'text', text },
      dedupeKey: `net:${id}`, orderingKey: `net:${id}`,
    });
    // Past the edge's cleaning (a bug, a new path): the inbox is the net under it.
    const res = await inbox.accept('test', [record('a', 'fine'), record('b', 'bad\u0000'), record('c', 'fine too')]);
    expect(res.fresh).toBe(2);
    const kept = await h.db.sql<{ dedupe_key: string }[]>`SELECT dedupe_key FROM inbound_events WHERE dedupe_key LIKE 'net:%' ORDER BY dedupe_key`;
    expect(kept.map((r) => r.dedupe_key)).toEqual(['net:a', 'net:c']);
    const [bad] = await h.db.sql<{ raw: string }[]>`SELECT raw FROM inbound_events WHERE source = 'test' AND state = 'rejected'`;
    expect(bad?.raw).toContain('"externalId":"b"');
  });

  it('relays a Slack agent message with NUL to the customer, cleaned', async () => {
    const cardTs = await h.customerWrites('5511966660000', 'Rui', 'help please');
    const res = await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'on\u0000 it \ud800!', threadTs: cardTs });
    expect(res.statusCode).toBe(200);
    await eventually('the cleaned reply on WhatsApp', () => h.textsSentTo('5511966660000').find((t) => t.includes('on it \uFFFD!')));
  });

  it('answers /ponte search with a NUL in words', async () => {
    const reply = await h.slashCommand('search a\u0000b');
    expect(typeof reply).toBe('string');
    expect(reply.length).toBeGreaterThan(0);
  });
});

describe('5xx answers', () => {
  it('logs a 5xx with the request id and does not leak the error in the body', async () => {
    const lines: Record<string, unknown>[] = [];
    const dest = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
    const log = pino({ level: 'info' }, dest);
    const app = await buildApp({
      log, sql: h.db.sql as never, redis: {} as never, metrics: createMetrics(), bodyLimit: 1024,
      plugins: [async (a) => { a.get('/boom', async () => { throw new Error('secret internals: password=hunter2'); }); }],
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    await app.close();
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    const requestId = (JSON.parse(res.body) as { requestId: string }).requestId;
    expect(requestId).toBeTruthy();
    const logged = lines.find((l) => l.level === 50 && l.reqId === requestId);
    expect(logged).toBeDefined();
  });
});

describe('operations endpoints', () => {
  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ok: true, postgres: true, migrations: true, redis: true });
    const metrics = await inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/^# HELP ponte_webhook_requests_total/m);
    expect(metrics.body).toMatch(/ponte_webhook_ack_seconds_bucket/);
  });
});
