import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, SECRETS, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { postKey } from '../../src/pipeline/reconcile.js';
import { claimMerging } from '../../src/pipeline/merge.js';
import { slackCapabilities } from '../../bridges/slack/capabilities.js';
import type { AgentBridge } from '../../src/core/ports.js';

// Guarantee 2 for merged posts: the run is decided once, with the head row's claim. A process that
// dies after posting it and before settling leaves the run recorded; the retry finds the post by
// its key and links exactly that run, even though more messages arrived meanwhile.

const DISPATCH_LOCK = 727_003;

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness({ PONTE_MERGE_QUEUED: 'on' });
});
afterAll(async () => {
  expect(h?.slack.specViolations ?? []).toEqual([]);
  await h?.close();
});

describe('a merged post whose process died before its bookkeeping', () => {
  it('the retry links the recorded run to the earlier post: no duplicate, the later message posted alone', async () => {
    const from = '5511966670001';
    const cardTs = await h.customerWrites(from, 'Caio Crash', 'oi');
    const [ticket] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${from}`;
    const lane = `t${ticket!.id}-agent`;
    await eventually('the lane idle', async () => (await h.db.sql`SELECT 1 FROM outbox WHERE lane = ${lane} AND state IN ('pending', 'sending')`).length === 0);
    const pendingPosts = async () => h.db.sql<{ id: string; lane: string; kind: string; state: string; attempts: number; payload: Record<string, unknown> }[]>`
      SELECT id, lane, kind, state, attempts, payload FROM outbox WHERE lane = ${lane} AND kind = 'thread.post' AND state IN ('pending', 'sending') ORDER BY id`;

    const holder = await h.db.sql.reserve();
    try {
      await holder`SELECT pg_advisory_lock(${DISPATCH_LOCK}, hashtext(${lane}))`;
      for (const text of ['um', 'dois', 'três']) await h.postMetaText(from, 'Caio Crash', text);
      await eventually('three posts waiting', async () => (await pendingPosts()).length === 3, 15_000);

      // The attempt that died: its claim decided and recorded the run of three…
      const [head] = await pendingPosts();
      const bridges = new Map([['slack', { capabilities: slackCapabilities } as AgentBridge]]);
      const claim = await claimMerging({ sql: h.db.sql, bridges, mergeQueued: true }, head!, 1);
      expect(claim?.run?.length).toBe(3);
      // …and it posted them, keyed by the head row, with no link written.
      const res = await fetch(`${h.slack.url}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRETS.slackBot}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ channel: CHANNEL, thread_ts: cardTs, text: 'um\ndois\ntrês', metadata: { event_type: 'ponte_post', event_payload: { key: postKey(head!.id) } } }),
      });
      expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
      // A fourth message arrives before the restart: the run must not grow to take it.
      await h.postMetaText(from, 'Caio Crash', 'quatro');
      await eventually('the fourth waiting', async () => (await pendingPosts()).length === 4, 15_000);
    } finally {
      await holder`SELECT pg_advisory_unlock(${DISPATCH_LOCK}, hashtext(${lane}))`;
      holder.release();
    }
    // The restarted process's sweeper finds the lane due.
    await h.ponte.sweep();
    await eventually('the lane drained', async () => (await pendingPosts()).length === 0, 20_000);

    expect(h.thread(cardTs)).toEqual(['oi', 'um\ndois\ntrês', 'quatro']);
    const links = await h.db.sql<{ body: string; external_id: string; merged: boolean }[]>`
      SELECT m.body, l.external_id, l.merged FROM messages m JOIN message_links l ON l.message_id = m.id AND l.platform = 'slack'
      WHERE m.ticket_id = ${ticket!.id} AND m.body IN ('um', 'dois', 'três', 'quatro') ORDER BY m.id`;
    expect(links.map((l) => l.body)).toEqual(['um', 'dois', 'três', 'quatro']);
    expect(new Set(links.slice(0, 3).map((l) => l.external_id)).size).toBe(1);
    expect(links.slice(0, 3).every((l) => l.merged)).toBe(true);
    expect(links[3]!.external_id).not.toBe(links[0]!.external_id);
    expect(links[3]!.merged).toBe(false);
  }, 60_000);
});
