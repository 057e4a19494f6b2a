import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver, type SeenPost, type TicketRef } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';
import { newWamid, waTextMessage } from '../fixtures/meta.js';
import { waEdit } from '../fixtures/revisions.js';

// Issue 14: a ticket's customer messages already waiting in its agent lane when its turn comes
// are posted as one post, each line with the time it was written (src/pipeline/merge.ts).

// The dispatch lock's namespace (src/pipeline/lane-lock.ts): a session lock on it holds a lane
// the way a busy worker (or a long wait for the platform's allowance) would.
const DISPATCH_LOCK = 727_003;

/** HH:MM of a Meta timestamp (seconds), as the thread shows it (PONTE_TIMEZONE is UTC in tests). */
const hhmm = (seconds: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(seconds * 1000));

let phones = 0;
const nextPhone = (platform: string) => `55119777${platform === 'Slack' ? '1' : '2'}${String(++phones).padStart(4, '0')}`;

/** Waiting rows of the ticket's agent lane. */
async function waiting(d: AgentDriver, ticket: TicketRef): Promise<number> {
  const [row] = await d.core.db.sql<{ n: string }[]>`
    SELECT count(*) AS n FROM outbox WHERE lane = ${`t${ticket.id}-agent`} AND state IN ('pending', 'sending')`;
  return Number(row!.n);
}

/** The customer writes each text (a webhook each, a minute apart, ending now) while the ticket's lane is held; then it is let go. */
async function queuedBehindBusyLane(
  d: AgentDriver, ticket: TicketRef, from: string, name: string, texts: string[],
  quoting: Record<number, number> = {},
): Promise<{ ids: string[]; times: string[] }> {
  await eventually('the lane idle', async () => (await waiting(d, ticket)) === 0);
  const lane = `t${ticket.id}-agent`;
  const now = Math.floor(Date.now() / 1000);
  const stamps = texts.map((_, i) => now - (texts.length - 1 - i) * 60);
  const ids = texts.map(() => newWamid());
  const holder = await d.core.db.sql.reserve();
  try {
    await holder`SELECT pg_advisory_lock(${DISPATCH_LOCK}, hashtext(${lane}))`;
    for (const [i, text] of texts.entries()) {
      const context = quoting[i] !== undefined ? { context: { from, id: ids[quoting[i]]! } } : {};
      const res = await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name, text, id: ids[i], timestamp: stamps[i], ...context }));
      expect(res.statusCode).toBe(200);
    }
    await eventually(`${texts.length} posts waiting in the lane`, async () => {
      const [row] = await d.core.db.sql<{ n: string }[]>`
        SELECT count(*) AS n FROM outbox WHERE lane = ${lane} AND kind = 'thread.post' AND state = 'pending'`;
      return Number(row!.n) === texts.length;
    }, 15_000);
  } finally {
    await holder`SELECT pg_advisory_unlock(${DISPATCH_LOCK}, hashtext(${lane}))`;
    holder.release();
  }
  await d.core.sweep();
  await eventually('the lane drained', async () => (await waiting(d, ticket)) === 0, 20_000);
  return { ids, times: stamps.map(hhmm) };
}

const customerPosts = (d: AgentDriver, ticket: TicketRef, name: string): SeenPost[] => d.posts(ticket.thread).filter((p) => p.author === name);

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: queued customer messages merged into one post`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start({ PONTE_MERGE_QUEUED: 'on' });
    });
    afterAll(async () => d?.close());

    it('five messages waiting behind a busy lane become one post, in order, each line with its time; a lone one posts as before', async () => {
      const from = nextPhone(name);
      const ticket = await customerWritesTo(d, from, 'Júlia Fila', 'oi');
      const before = customerPosts(d, ticket, 'Júlia Fila').length;
      const texts = ['primeira <!channel>', 'segunda', 'terceira', 'quarta @everyone', 'quinta'];
      const { times } = await queuedBehindBusyLane(d, ticket, from, 'Júlia Fila', texts);

      const after = customerPosts(d, ticket, 'Júlia Fila').slice(before);
      expect(after).toHaveLength(1);
      expect(after[0]!.text.split('\n')).toEqual(texts.map((t, i) => `${times[i]} ${t}`));
      // The customer's words stay words: nothing in them pings anyone.
      expect(after[0]!.mentions).toEqual([]);
      // Every message is linked to the one post.
      const links = await d.core.db.sql<{ external_id: string }[]>`
        SELECT DISTINCT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        WHERE m.ticket_id = ${ticket.id} AND m.body = ANY(${texts}) AND l.platform <> 'whatsapp'`;
      expect(links).toHaveLength(1);

      await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Júlia Fila', text: 'sozinha' }));
      await eventually('the lone message posted', () => customerPosts(d, ticket, 'Júlia Fila').some((p) => p.text === 'sozinha'));
      expect(customerPosts(d, ticket, 'Júlia Fila').slice(before)).toHaveLength(2);
    }, 60_000);

    it('an agent’s reaction on a merged post reaches the customer on its last message; an edit of one of its messages marks it', async () => {
      const from = nextPhone(name);
      const ticket = await customerWritesTo(d, from, 'Rui Reação', 'oi');
      const { ids } = await queuedBehindBusyLane(d, ticket, from, 'Rui Reação', ['um', 'dois', 'três']);
      const merged = customerPosts(d, ticket, 'Rui Reação').find((p) => p.text.includes('três'))!;
      expect(merged.text).toContain('um');
      const reactionsSent = () => d.core.graph.sends().map((c) => c.body as { type?: string; reaction?: { message_id: string } })
        .filter((b) => b.type === 'reaction').map((b) => b.reaction!.message_id);
      await d.react(merged.id, d.agents[0].id, '👍');
      await eventually('the reaction sent to the customer', () => reactionsSent().includes(ids[2]!));
      expect(reactionsSent()).not.toContain(ids[0]);
      expect(reactionsSent()).not.toContain(ids[1]);

      // The customer edits the second: the edit's line quotes it, and the post that carries it is marked.
      await d.core.postMeta(waEdit({ phoneNumberId: PHONE_ID, from, name: 'Rui Reação', original: ids[1]!, text: 'dois e meio' }));
      await eventually('the edit shown', () => customerPosts(d, ticket, 'Rui Reação').some((p) => p.text.includes('dois e meio')));
      await eventually('✏️ on the merged post', () => d.reactionsOn(merged.id).map((e) => e.replace(/[\uFE0E\uFE0F]/g, '')).includes('✏'));
    }, 60_000);
  });

  describe(`${name}: where a merged post stops`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start({ PONTE_MERGE_QUEUED: 'on' });
    });
    afterAll(async () => d?.close());

    it('a reply quoting an earlier message posts alone between runs, and a run holds at most 10 messages', async () => {
      const from = nextPhone(name);
      const ticket = await customerWritesTo(d, from, 'Lia Limite', 'oi');
      const before = customerPosts(d, ticket, 'Lia Limite').length;
      const rest = Array.from({ length: 11 }, (_, k) => `depois ${k + 1}`);
      const texts = ['antes 1', 'antes 2', 'respondendo', ...rest];
      const { times } = await queuedBehindBusyLane(d, ticket, from, 'Lia Limite', texts, { 2: 0 });
      const lines = (from: number, to: number) => texts.slice(from, to).map((t, i) => `${times[from + i]} ${t}`).join('\n');
      const after = customerPosts(d, ticket, 'Lia Limite').slice(before).map((p) => p.text);
      expect(after).toHaveLength(4);
      expect(after[0]).toBe(lines(0, 2));
      expect(after[1]).toContain('respondendo');
      expect(after[1]).toContain('antes 1'); // its quote, as a reply shows today
      expect(after[1]).not.toContain(times[2]!);
      expect(after[2]).toBe(lines(3, 13));
      expect(after[3]).toBe('depois 11');
    }, 60_000);
  });

  describe(`${name}: merging turned off`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start({ PONTE_MERGE_QUEUED: 'off' });
    });
    afterAll(async () => d?.close());

    it('PONTE_MERGE_QUEUED=off: five queued messages are five posts', async () => {
      const from = nextPhone(name);
      const ticket = await customerWritesTo(d, from, 'Otto Separado', 'oi');
      const before = customerPosts(d, ticket, 'Otto Separado').length;
      const texts = ['a1', 'a2', 'a3', 'a4', 'a5'];
      await queuedBehindBusyLane(d, ticket, from, 'Otto Separado', texts);
      expect(customerPosts(d, ticket, 'Otto Separado').slice(before).map((p) => p.text)).toEqual(texts);
    }, 60_000);
  });
}
