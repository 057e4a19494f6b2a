// Discord posts whose outcome is unknown (Discord acted, then answered 500 or the connection
// dropped) are looked for before posting again: exactly one post, whatever the retry finds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver, type TicketRef } from '../support/agent-driver.js';
import { startDiscordHarness } from '../support/discord-driver.js';
import { eventually, type Harness } from '../support/harness.js';
import { waMessageOfType } from '../fixtures/meta.js';
import type { FakeDiscord } from '../fakes/discord-api.js';
import { Redis } from 'ioredis';
import { DiscordBridge } from '../../bridges/discord/outbound.js';
import { GatewayFacts } from '../../bridges/discord/gateway-facts.js';

let h: Harness;
let discord: FakeDiscord;
let d: AgentDriver;

beforeAll(async () => {
  ({ h, discord, driver: d } = await startDiscordHarness());
});
afterAll(async () => d?.close());
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
  expect(discord.api.unimplemented).toEqual([]);
});

const WEBHOOK = 'POST /webhooks/{webhook_id}/{webhook_token}';
const MESSAGES = 'POST /channels/{channel_id}/messages';
const THREADS = 'POST /channels/{channel_id}/threads';
let phones = 0;
const nextPhone = () => `55119${String(7_700_000 + (phones += 1)).padStart(7, '0')}`;

/** The lane has nothing left to do for this ticket. */
async function settled(ticket: TicketRef): Promise<void> {
  await eventually('the outbox worked off', async () => {
    const [row] = await h.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM outbox WHERE state NOT IN ('done', 'failed', 'uncertain') AND payload::text LIKE ${'%' + ticket.thread.threadId + '%'}`;
    return row!.n === 0;
  });
  await h.ponte.sweep();
}

describe('Discord: an attempt whose outcome is unknown looks before posting again', () => {
  for (const [fault, label] of [[{ status: 500, afterEffect: true }, 'a 500 after posting'], [{ status: 0, afterEffect: true }, 'a dropped connection after posting']] as const) {
    it(`a customer's message (webhook post): ${label} → one post`, async () => {
      const phone = nextPhone();
      const ticket = await customerWritesTo(d, phone, 'Bia', 'primeira');
      discord.api.failNext(WEBHOOK, fault);
      await h.postMetaText(phone, 'Bia', 'segunda, uma vez só');
      // The retry found the post and recorded it: the link is the message Discord made.
      const link = await eventually('the post recorded', () => linkOf(ticket, 'segunda, uma vez só'));
      await settled(ticket);
      const shown = d.posts(ticket.thread).filter((p) => p.text === 'segunda, uma vez só');
      expect(shown.map((p) => p.id)).toEqual([link]);
    });
  }

  it('a webhook post begun by one process is found by another (a restart, or another worker retrying the row)', async () => {
    const ticket = await customerWritesTo(d, nextPhone(), 'Duda', 'oi');
    const redis = new Redis(h.ponte.config.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const bridge = () => new DiscordBridge({ token: discord.token, apiUrl: discord.api.apiUrl, applicationId: discord.world.applicationId, facts: new GatewayFacts(redis, h.ponte.config.PONTE_QUEUE_PREFIX) });
    try {
      const since = new Date(Date.now() - 1000);
      discord.api.failNext(WEBHOOK, { status: 500, afterEffect: true });
      await expect(bridge().post({ thread: ticket.thread, text: 'só uma vez, por favor', style: 'customer', authorName: 'Duda', key: 'ponte-restart-1' })).rejects.toThrow();
      const made = d.posts(ticket.thread).filter((p) => p.text === 'só uma vez, por favor');
      expect(made).toHaveLength(1);
      // A process that never saw the attempt (a fresh bridge: nothing in its memory) finds the post.
      const found = await bridge().findPost({ where: { thread: ticket.thread }, key: 'ponte-restart-1', since });
      expect(found?.externalId).toBe(made[0]!.id);
    } finally {
      redis.disconnect();
    }
  });

  it('a notice (bot message): a 500 after posting → one post', async () => {
    const ticket = await customerWritesTo(d, nextPhone(), 'Caio', 'oi');
    discord.api.failNext(MESSAGES, { status: 500, afterEffect: true });
    await d.say(ticket.thread, d.agents[0].id, '!foo');
    const unknown = (p: { text: string }) => p.text.startsWith('Unknown command');
    await eventually('the notice', () => d.posts(ticket.thread).some(unknown));
    await eventually('looked for it', () => discord.api.requestsTo('GET /channels/{channel_id}/messages').length > 0);
    await settled(ticket);
    expect(d.posts(ticket.thread).filter(unknown)).toHaveLength(1);
  });

  it('a customer’s file (webhook upload): a 500 after sharing it → one file', async () => {
    const phone = nextPhone();
    const ticket = await customerWritesTo(d, phone, 'Eva', 'vou mandar a foto');
    await settled(ticket);
    h.graph.addMedia('7000000000000777', { bytes: Buffer.alloc(700, 7), mimeType: 'image/jpeg' });
    const from = discord.api.requests.length;
    // The image's line, then the upload: both answered 500 after they took effect.
    discord.api.failNext(WEBHOOK, { status: 500, afterEffect: true }, 2);
    await h.postMeta(waMessageOfType('image', { id: '7000000000000777' }, { from: phone, name: 'Eva' }));
    const withFile = () => discord.world.history(ticket.thread.threadId).filter((m) => m.attachments.length > 0);
    await eventually('the file in the post', () => withFile().length > 0);
    await eventually('the file recorded', async () => {
      const [row] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE kind = 'media.mirror' AND state = 'done' AND lane = ${`t${ticket.id}-agent`}`;
      return row!.n === 1;
    });
    await settled(ticket);
    // The fault hit the upload itself (multipart), and the retry found it instead of uploading again.
    const calls = discord.api.requests.slice(from).filter((r) => r.route === WEBHOOK);
    expect(calls.filter((r) => r.status === 500).map((r) => r.files.length)).toEqual([0, 1]);
    expect(calls.filter((r) => r.files.length > 0)).toHaveLength(1);
    expect(withFile()).toHaveLength(1);
  });

  it('a ticket’s forum post: a 500 after opening it → one post', async () => {
    const before = discord.api.requestsTo(THREADS).length;
    discord.api.failNext(THREADS, { status: 500, afterEffect: true });
    const ticket = await customerWritesTo(d, nextPhone(), 'Dora Lima', 'oi');
    await settled(ticket);
    expect(discord.api.requestsTo(THREADS).length - before).toBe(1);
    const posts = [...discord.world.channels.values()].filter((c) => c.parent_id === discord.world.forumId && c.name.startsWith('Dora Lima'));
    expect(posts.map((c) => c.id)).toEqual([ticket.thread.threadId]);
  });

  // Last: it leaves the bridge refusing calls for a minute.
  it('a refused bot token (401) is asked once, not once per queued post', async () => {
    const from = discord.api.requests.length;
    discord.api.failNext(THREADS, { status: 401 }, 10); // a token Discord refuses, every time
    const givenUp = (n: number) => eventually(`${n} tickets’ posts given up`, async () => {
      const [row] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE kind = 'thread.open' AND state = 'failed' AND last_error LIKE 'Discord refused (401%'`;
      return row!.n >= n;
    }, 20_000);
    // The first post learns that the token is refused (calls already in flight would learn it too).
    await h.postMetaText(nextPhone(), 'Sem Token', 'oi');
    await givenUp(1);
    const phones = [nextPhone(), nextPhone(), nextPhone()];
    for (const phone of phones) await h.postMetaText(phone, 'Sem Token', 'oi');
    await givenUp(1 + phones.length);
    const refused = discord.api.requests.slice(from).filter((r) => r.status === 401 || r.status === 403 || r.status === 429);
    expect(refused).toHaveLength(1);
  });
});

async function linkOf(ticket: TicketRef, body: string): Promise<string | undefined> {
  const [row] = await h.db.sql<{ external_id: string }[]>`
    SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id WHERE l.platform = 'discord' AND m.ticket_id = ${ticket.id} AND m.body = ${body}`;
  return row?.external_id;
}
