// Who an agent is on Discord, when Ponte needs their name: from the event that names them (a
// message's or a reaction's `member`), else looked up on the server (the configured one, or the
// bot's first), never a failure because they had not written yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { eventually } from '../support/harness.js';
import { startDiscordHarness } from '../support/discord-driver.js';
import type { FakeDiscord } from '../fakes/discord-api.js';

let d: AgentDriver;
let discord: FakeDiscord;
beforeAll(async () => {
  ({ driver: d, discord } = await startDiscordHarness());
});
afterAll(async () => d?.close());

const MEMBER = 'GET /guilds/{guild_id}/members/{user_id}';
const reactionsSent = () => d.core.graph.sends().map((c) => c.body as { type?: string; reaction?: { emoji: string } }).filter((b) => b.type === 'reaction');

describe('an agent who never wrote', () => {
  it('reacts to a customer’s message: the emoji reaches the customer, their name taken from the event', async () => {
    const ticket = await customerWritesTo(d, '5511977770001', 'Rita', 'bom dia');
    const post = d.posts(ticket.thread).find((p) => p.author === 'Rita')!;
    // Ponte records where it posted the message once the post returns: react after that, as a person would.
    await eventually('the post recorded', async () => (await d.core.db.sql`SELECT 1 FROM message_links WHERE platform = 'discord' AND external_id = ${post.id}`).length === 1);
    const lookups = discord.api.requestsTo(MEMBER).length;
    await d.react(post.id, d.agents[1].id, '👍');
    await eventually('the reaction on WhatsApp', () => reactionsSent().some((b) => b.reaction?.emoji === '👍'));
    expect(discord.api.requestsTo(MEMBER)).toHaveLength(lookups);
  });

  it('is named in a transfer to them: looked up on the server once', async () => {
    const ticket = await customerWritesTo(d, '5511977770002', 'Téo', 'oi');
    const { form } = await d.press('transfer', ticket, d.agents[0].id);
    const admin = d.admin;
    expect(await d.submit(form!, { person: admin })).toEqual({});
    await eventually('the card names the new assignee', () => d.card(ticket).text.includes('Ana'));
    expect(discord.api.requestsTo(MEMBER).some((r) => r.path.endsWith(`/${admin}`))).toBe(true);
    expect(discord.api.unimplemented).toEqual([]);
  });
});
