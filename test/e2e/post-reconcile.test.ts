import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, SECRETS, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { postKey } from '../../src/pipeline/reconcile.js';
import type { FakeSlackMessage } from '../fakes/slack-api.js';

// Guarantee 2 on the agent side: a post whose outcome is unknown (Slack did it but the answer was
// lost, or Ponte died before writing its link) is looked up by its key before it is made again.

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => {
  expect(h?.slack.specViolations ?? []).toEqual([]);
  await h?.close();
});

const postsOf = (text: string) => [...h.slack.messages.values()].filter((m) => m.text === text);
const lookups = () => h.slack.callsTo('conversations.replies').length + h.slack.callsTo('conversations.history').length;
const cardsFor = (name: string) => [...h.slack.messages.values()].filter((m) => m.channel === CHANNEL && !m.thread_ts && String(m.text).includes(name));

/** The thread.post row of a message, once settled, and the link it wrote. */
async function settledPost(body: string) {
  return eventually(`the post of "${body}" settled with its link`, async () => {
    const [row] = await h.db.sql<{ state: string; attempts: number; external_id: string | null }[]>`
      SELECT o.state, o.attempts, l.external_id FROM messages m
      JOIN outbox o ON o.kind = 'thread.post' AND o.payload->>'messageId' = m.id::text
      LEFT JOIN message_links l ON l.message_id = m.id AND l.platform = 'slack'
      WHERE m.body = ${body}`;
    return row?.state === 'done' && row.external_id ? row : undefined;
  }, 10_000);
}

const slackId = (m: FakeSlackMessage) => `${m.channel}:${m.ts}`;

describe('a thread post whose outcome is unknown appears once', () => {
  it('Slack posted it but answered 500: the retry finds it instead of posting again', async () => {
    const cardTs = await h.customerWrites('5511966660001', 'Bia', 'primeira');
    h.slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    await h.postMetaText('5511966660001', 'Bia', 'segunda');
    const row = await settledPost('segunda');
    expect(row.attempts).toBe(2);
    expect(h.thread(cardTs)).toEqual(['primeira', 'segunda']);
    expect(row.external_id).toBe(slackId(postsOf('segunda')[0]!));
  });

  it('Slack posted it and the connection dropped: the retry finds it', async () => {
    const cardTs = await h.customerWrites('5511966660002', 'Caio', 'oi');
    h.slack.failNext('chat.postMessage', { status: 0, afterEffect: true });
    await h.postMetaText('5511966660002', 'Caio', 'caiu a conexão');
    const row = await settledPost('caiu a conexão');
    expect(h.thread(cardTs)).toEqual(['oi', 'caiu a conexão']);
    expect(row.external_id).toBe(slackId(postsOf('caiu a conexão')[0]!));
  });

  it('a 500 that did not take effect: the retry looks, finds nothing, and posts (nothing lost)', async () => {
    const cardTs = await h.customerWrites('5511966660003', 'Duda', 'oi');
    h.slack.failNext('chat.postMessage', { status: 500 });
    await h.postMetaText('5511966660003', 'Duda', 'não chegou');
    const row = await settledPost('não chegou');
    expect(h.thread(cardTs)).toEqual(['oi', 'não chegou']);
    expect(row.external_id).toBe(slackId(postsOf('não chegou')[0]!));
  });

  it('Ponte died between the post and its bookkeeping (row left in "sending"): one post after recovery', async () => {
    const cardTs = await h.customerWrites('5511966660004', 'Edu', 'oi');
    const [ticket] = await h.db.sql<{ id: string }[]>`
      SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511966660004'`;
    const [msg] = await h.db.sql<{ id: string }[]>`
      INSERT INTO messages (ticket_id, direction, body) VALUES (${ticket!.id}, 'system', 'antes do crash') RETURNING id`;
    // The crashed attempt: its row marked in flight, due later so no worker takes it yet…
    const [row] = await h.db.sql<{ id: string }[]>`
      INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at)
      VALUES (${`t${ticket!.id}-agent`}, 'thread.post', ${h.db.sql.json({ messageId: msg!.id })}, 'sending', 1, now() + interval '1 hour')
      RETURNING id`;
    // …and the post it made, keyed as Ponte keys it, with no link row written.
    const res = await fetch(`${h.slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRETS.slackBot}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNEL, thread_ts: cardTs, text: 'antes do crash', metadata: { event_type: 'ponte_post', event_payload: { key: postKey(row!.id) } } }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    // The restarted process's sweeper finds the row due.
    await h.db.sql`UPDATE outbox SET next_attempt_at = now() - interval '1 minute' WHERE id = ${row!.id}`;
    await h.ponte.sweep();
    const settled = await settledPost('antes do crash');
    expect(h.thread(cardTs)).toEqual(['oi', 'antes do crash']);
    expect(settled.external_id).toBe(slackId(postsOf('antes do crash')[0]!));
  });

  it('a first attempt reads no history, and carries its key', async () => {
    const cardTs = await h.customerWrites('5511966660005', 'Fábio', 'oi');
    const before = lookups();
    await h.postMetaText('5511966660005', 'Fábio', 'tudo certo');
    await settledPost('tudo certo');
    expect(lookups()).toBe(before);
    const [row] = await h.db.sql<{ id: string }[]>`
      SELECT o.id FROM outbox o JOIN messages m ON o.payload->>'messageId' = m.id::text WHERE o.kind = 'thread.post' AND m.body = 'tudo certo'`;
    expect(postsOf('tudo certo')).toMatchObject([{ thread_ts: cardTs, metadata: { event_type: 'ponte_post', event_payload: { key: postKey(row!.id) } } }]);
  });
});

describe('a ticket card whose outcome is unknown appears once', () => {
  it('Slack posted the card but answered 500: the retry finds it and the thread goes on under it', async () => {
    h.slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    const cardTs = await h.customerWrites('5511966660006', 'Gilda Card', 'primeira vez');
    expect(cardsFor('Gilda Card').map((m) => m.ts)).toEqual([cardTs]);
    const [link] = await h.db.sql<{ thread_id: string }[]>`
      SELECT l.thread_id FROM thread_links l JOIN tickets t ON t.id = l.ticket_id JOIN contacts c ON c.id = t.contact_id
      WHERE c.external_id = '5511966660006'`;
    expect(link?.thread_id).toBe(cardTs);
    expect(h.slack.callsTo('conversations.history').length).toBeGreaterThan(0);
  });
});

describe('an announcement whose outcome is unknown appears once', () => {
  it('Slack posted the line but the connection dropped: the retry finds it', async () => {
    const [c] = await h.db.sql<{ id: string }[]>`SELECT id FROM connections WHERE agent_destination = ${CHANNEL} ORDER BY id LIMIT 1`;
    h.slack.failNext('chat.postMessage', { status: 0, afterEffect: true });
    const [row] = await h.db.sql<{ id: string }[]>`
      INSERT INTO outbox (lane, kind, payload) VALUES (${`announce-${c!.id}`}, 'channel.announce', ${h.db.sql.json({ connectionId: c!.id, text: 'aviso único' })})
      RETURNING id`;
    await h.ponte.sweep();
    await eventually('the announcement settled', async () => {
      const [r] = await h.db.sql<{ state: string }[]>`SELECT state FROM outbox WHERE id = ${row!.id}`;
      return r?.state === 'done';
    }, 20_000);
    expect(postsOf('aviso único')).toMatchObject([{ channel: CHANNEL, metadata: { event_payload: { key: postKey(row!.id) } } }]);
  });
});
