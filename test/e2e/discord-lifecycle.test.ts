// A ticket's post over its life on Discord: archived once resolved (after its last lines, which
// would reopen it), a new post for the customer's next message that names the old protocol, and
// rate limits that delay a thread in order without hammering Discord.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { startDiscordHarness } from '../support/discord-driver.js';
import { eventually, type Harness } from '../support/harness.js';
import type { FakeDiscord } from '../fakes/discord-api.js';
import { setMessageText } from '../../src/settings/repository.js';

let h: Harness;
let discord: FakeDiscord;
let d: AgentDriver;

beforeAll(async () => {
  ({ h, discord, driver: d } = await startDiscordHarness());
  await setMessageText(h.ponte.sql, 'farewell', 'Obrigado pelo contato!', 'test');
});
afterAll(async () => d?.close());
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
  expect(discord.api.unimplemented).toEqual([]);
});

const WEBHOOK = 'POST /webhooks/{webhook_id}/{webhook_token}';
const MESSAGES = 'POST /channels/{channel_id}/messages';
let phones = 0;
const nextPhone = () => `55119${String(6_600_000 + (phones += 1)).padStart(7, '0')}`;
const thread = (id: string) => discord.world.channels.get(id)!;
const protocolOf = async (ticketId: string) => (await h.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${ticketId}`)[0]!.protocol;

/** Nothing left in the outbox (the sweeper re-arms what is due). */
async function drained(): Promise<void> {
  await eventually('the outbox worked off', async () => {
    await h.ponte.sweep();
    const [row] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE state IN ('pending', 'sending')`;
    return row!.n === 0;
  });
}

describe('Discord post lifecycle', () => {
  it('a resolved ticket’s post ends archived, after its last line; the next message opens a new post naming the old protocol', async () => {
    const phone = nextPhone();
    const ticket = await customerWritesTo(d, phone, 'Lia', 'oi');
    const reply = await d.say(ticket.thread, d.agents[0].id, 'Oi Lia, resolvido!');
    await d.press('resolve', ticket, d.agents[0].id);
    await eventually('the post archived', () => thread(ticket.thread.threadId).thread_metadata!.archived);
    await drained();
    const { archived } = thread(ticket.thread.threadId).thread_metadata!;
    // The last post or change in it is an archive: nothing after reopened it (a late delivery mark archives again).
    const touching = discord.api.requests.filter((r) => r.status >= 200 && r.status < 300 && r.method !== 'GET' && !r.path.includes('/reactions/')
      && (r.path.includes(ticket.thread.threadId) || r.query.thread_id === ticket.thread.threadId));
    expect(touching.map((r) => r.route)).toContain('POST /channels/{channel_id}/messages');
    expect(touching.at(-1)).toMatchObject({ route: 'PATCH /channels/{channel_id}', body: { archived: true } });
    expect(d.reactionsOn(reply.id)).toContain('✔');
    expect(archived).toBe(true);
    // The farewell went out; a second Resolve (a stale card, a double click) is refused in words, only to the presser.
    await eventually('the farewell on WhatsApp', () => h.textsSentTo(phone).some((t) => t.includes('Obrigado pelo contato!')));
    await d.press('resolve', ticket, d.agents[1].id);
    const refusal = await eventually('the second Resolve refused', () => d.notices(d.agents[1].id).find((n) => n.text.startsWith('Nothing changed: this ticket is already resolved')));
    expect(refusal.private).toBe(true);
    expect(await h.db.sql`SELECT 1 FROM tickets WHERE id = ${ticket.id} AND status = 'resolved'`).toHaveLength(1);

    await h.postMetaText(phone, 'Lia', 'voltei');
    const next = await eventually('a new ticket with its post', async () => {
      const [row] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} AND t.id <> ${ticket.id}`;
      const where = row ? await d.threadOf(String(row.id)) : undefined;
      return where && d.posts(where).some((p) => p.text === 'voltei') ? { id: String(row!.id), thread: where } : undefined;
    });
    expect(next.thread.threadId).not.toBe(ticket.thread.threadId);
    expect(thread(next.thread.threadId).thread_metadata!.archived).toBe(false);
    expect(d.card(next).text).toContain(await protocolOf(ticket.id));
    expect(thread(ticket.thread.threadId).thread_metadata!.archived).toBe(true);
  });

  it('a burst of 20 customer messages under 429s arrives complete and in order, each 429 waited out once', async () => {
    const phone = nextPhone();
    const ticket = await customerWritesTo(d, phone, 'Rui', 'início');
    const before429 = discord.api.requests.filter((r) => r.status === 429).length;
    discord.api.failNext(WEBHOOK, { status: 429, retryAfter: 1 }, 2);
    const burst = Array.from({ length: 20 }, (_, i) => `parte ${i + 1}`);
    for (const text of burst) await h.postMetaText(phone, 'Rui', text);
    await eventually('the whole burst', () => d.posts(ticket.thread).filter((p) => p.author === 'Rui').length === 1 + burst.length, 15_000);
    await drained();
    expect(d.posts(ticket.thread).filter((p) => p.author === 'Rui').map((p) => p.text)).toEqual(['início', ...burst]);
    expect(discord.api.requests.filter((r) => r.status === 429).length - before429).toBe(2);
  });

  it('a 429 on one thread’s line leaves another thread free', async () => {
    const a = await customerWritesTo(d, nextPhone(), 'Ana Costa', 'oi');
    const b = await customerWritesTo(d, nextPhone(), 'Beto', 'oi');
    await drained();
    discord.api.failNext(MESSAGES, { status: 429, retryAfter: 60 });
    await d.say(a.thread, d.agents[0].id, '!foo');
    await eventually('A’s notice refused by the rate limit', () => discord.api.requestsTo(MESSAGES).at(-1)?.status === 429);
    await d.say(b.thread, d.agents[0].id, '!bar');
    const unknown = (p: { text: string }) => p.text.startsWith('Unknown command');
    await eventually('B’s notice, while A waits', () => d.posts(b.thread).some(unknown));
    expect(d.posts(a.thread).some(unknown)).toBe(false);
    const waiting = await h.db.sql<{ state: string; next_attempt_at: Date }[]>`
      SELECT state, next_attempt_at FROM outbox WHERE kind = 'thread.post' AND state = 'pending' AND lane = ${`t${a.id}-agent`}`;
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });
});
