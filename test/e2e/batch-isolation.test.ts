// Every item of a Meta delivery stands alone (issue 12): a batch mixing good items with ones
// Ponte cannot read mirrors every good one, and records the others once, with the field and
// what was wrong with it, never the customer's words in the reason or the log.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waBatch, waTextMessage } from '../fixtures/meta.js';
import { fbDelivery, msgText } from '../fixtures/messenger.js';
import { Inbox } from '../../src/pipeline/inbox.js';
import { createMetrics } from '../../src/metrics.js';
import { IG_ID, PAGE_ID, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand(`connect messenger ${PAGE_ID}`);
  await h.slashCommand(`connect instagram ${IG_ID}`);
});
afterAll(async () => h?.close());

const mirrored = (text: string) => eventually(`"${text}" mirrored`, () => [...h.slack.messages.values()].some((m) => m.thread_ts && String(m.text ?? '').includes(text)), 15_000);
const rejected = async () => h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE state = 'rejected' ORDER BY id`;

describe('a batch mixing good and unreadable items', () => {
  it('WhatsApp: the good message is mirrored; the one without an id is named, without its words', async () => {
    const env = waBatch(
      waTextMessage({ phoneNumberId: PHONE_ID, from: '5511933330001', name: 'Lia', text: 'palavras secretas' }),
      waTextMessage({ phoneNumberId: PHONE_ID, from: '5511933330002', name: 'Leo', text: 'chegou inteiro' }),
    );
    delete (env.entry[0]!.changes[0]!.value.messages![0] as Record<string, unknown>).id;
    expect((await h.postMeta(env)).statusCode).toBe(200);
    await mirrored('chegou inteiro');
    const reasons = (await rejected()).map((r) => r.reason);
    expect(reasons).toContain('message not read: messages.0.id: expected string, received undefined');
    expect(reasons.join(' ')).not.toContain('secretas');
  });

  it.each([
    ['messenger', PAGE_ID],
    ['instagram', IG_ID],
  ] as const)('%s: an event without a usable body spoils none of its siblings', async (kind, accountId) => {
    const bad = msgText({ kind, accountId, from: `${kind}-bad-1`, text: 'x' });
    (bad.message as Record<string, unknown>).mid = 42; // a number where Meta sends a string
    const good = msgText({ kind, accountId, from: `${kind}-good-1`, text: `${kind} chegou` });
    expect((await h.postMeta(fbDelivery(kind, [bad, good]))).statusCode).toBe(200);
    await mirrored(`${kind} chegou`);
    expect((await rejected()).map((r) => r.reason)).toContain('message not read: message.mid: expected string, received number');
  });
});

describe('the log line for parts not read', () => {
  it('is one warning per delivery, with the reason and without the body', async () => {
    const lines: Record<string, unknown>[] = [];
    const dest = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
    const inbox = new Inbox(h.db.sql, { ingest: async () => {} } as never, createMetrics(), pino({ level: 'info' }, dest));
    await inbox.reject('meta', 'message not read: messages.0.id: expected string, received undefined', '{"text":"palavras secretas"}', { partial: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, reason: 'message not read: messages.0.id: expected string, received undefined', msg: 'parts of a well-signed delivery not read; the rest was accepted' });
    expect(JSON.stringify(lines)).not.toContain('secretas');
  });
});

describe('a message whose platform id is already stored', () => {
  it('is recorded as a duplicate and mirrored once, even when its inbox row is gone (the contact upsert asks)', async () => {
    const first = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511933330077', name: 'Rui', text: 'só uma vez', id: 'wamid.redelivered-1' });
    expect((await h.postMeta(first)).statusCode).toBe(200);
    await mirrored('só uma vez');
    // The inbox forgets after its retention; the message and its link stay.
    await h.db.sql`DELETE FROM inbound_events WHERE dedupe_key LIKE ${'%wamid.redelivered-1%'}`;
    expect((await h.postMeta(first)).statusCode).toBe(200);
    await eventually('recorded as a duplicate', async () =>
      (await h.db.sql`SELECT 1 FROM inbound_events WHERE dedupe_key LIKE ${'%wamid.redelivered-1%'} AND state = 'ignored' AND reason = 'duplicate'`).length === 1);
    const posts = [...h.slack.messages.values()].filter((m) => String(m.text ?? '').includes('só uma vez'));
    expect(posts).toHaveLength(1);
    expect((await h.db.sql`SELECT 1 FROM messages WHERE body = 'só uma vez'`)).toHaveLength(1);
  });
});
