// WhatsApp ⇄ Discord end to end: the real composition root against a fake Discord (REST checked
// against the OpenAPI description + a JSON gateway that discord.js connects to) and the Graph fake.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { PHONE_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { buttonClick, personMessage, type Person } from '../fakes/discord/event-builders.js';
import type { FakeChannel, FakeMessage } from '../fakes/discord/world.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { startupFailureLine } from '../../src/startup-error.js';

const AGENT: Person = { id: '80351110224678912', username: 'ana', global_name: 'Ana Paula', nick: 'Ana (Suporte)', permissions: '0' };

let discord: FakeDiscord;
let h: Harness;

function discordEnv(fake: FakeDiscord): Record<string, string> {
  return { DISCORD_BOT_TOKEN: fake.token, DISCORD_API_URL: fake.api.apiUrl, DISCORD_APPLICATION_ID: fake.world.applicationId };
}

beforeAll(async () => {
  discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  h = await startHarness(discordEnv(discord));
  // No Discord `/ponte connect` yet: the connection is recorded as that command will record it.
  await upsertConnection(h.ponte.sql, { channel: 'whatsapp', accountId: PHONE_ID, platform: 'discord', destination: discord.world.forumId, createdBy: `discord:${AGENT.id}` });
});
afterAll(async () => {
  await h?.close();
  await discord?.close();
});
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
  expect(discord.api.unimplemented).toEqual([]);
});

const world = () => discord.world;
const postsInForum = () => [...world().channels.values()].filter((c) => c.parent_id === world().forumId);
const history = (threadId: string) => world().history(threadId);
const tagId = (name: string) => world().channels.get(world().forumId)!.available_tags!.find((t) => t.name === name)?.id;
const sendsTo = (waId: string) => h.graph.sends().filter((c) => (c.body as { to?: string }).to === waId);

/** The forum post opened for a customer, once their first message is in it. */
async function postFor(customer: string): Promise<FakeChannel> {
  return eventually(`a forum post for ${customer}`, () =>
    postsInForum().find((c) => c.name.startsWith(customer) && history(c.id).some((m) => m.webhook_id)),
  );
}
const customerPosts = (threadId: string) => history(threadId).filter((m) => m.webhook_id);
const ticketIdOf = (card: FakeMessage) => /^ponte:accept:(\d+)$/.exec(JSON.stringify(card.components).match(/ponte:accept:\d+/)?.[0] ?? '')?.[1];

describe('WhatsApp ⇄ Discord end to end', () => {
  it('connects with the MessageContent intent and opens a forum post with the Pending tag, a card with buttons, and the text under the customer’s name', async () => {
    expect(discord.gateway.identifies[0]!.intents & (1 << 15)).not.toBe(0);
    const res = await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511987654321', name: 'Carla Dias', text: 'Oi @everyone, meu pedido *atrasou* <@123>' }));
    expect(res.statusCode).toBe(200);
    const post = await postFor('Carla Dias');
    expect(post.applied_tags).toEqual([tagId('Pending')]);
    expect(['Pending', 'Open', 'Resolved'].every((n) => tagId(n))).toBe(true);

    const [card, said] = history(post.id);
    expect(card!.id).toBe(post.id); // a forum post's starter message is the card
    const embed = JSON.stringify(card!.embeds);
    expect(embed).toContain('Protocol');
    expect(embed).toContain('•••• 4321');
    expect(embed).not.toContain('5511987654321');
    const ids = (card!.components as { components: { custom_id: string }[] }[]).flatMap((r) => r.components.map((b) => b.custom_id.split(':')[1]));
    expect(ids).toEqual(['accept', 'transfer', 'resolve', 'more']);

    expect(said).toMatchObject({ webhook_id: expect.any(String), author: { username: 'Carla Dias' }, allowed_mentions: { parse: [] } });
    expect(said!.content).toBe('Oi @everyone, meu pedido \\*atrasou\\* \\<@123\\>');
    const [execute] = discord.api.requestsTo('POST /webhooks/{webhook_id}/{webhook_token}');
    expect(execute!.query).toMatchObject({ wait: 'true', thread_id: post.id });
  });

  it('shows a webhook delivered twice once', async () => {
    const body = waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000001', name: 'Duda', text: 'só uma vez' });
    const [a, b] = await Promise.all([h.postMeta(body), h.postMeta(body)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const post = await postFor('Duda');
    await h.postMeta(body); // a later redelivery
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(customerPosts(post.id).map((m) => m.content)).toEqual(['só uma vez']);
    expect(postsInForum().filter((c) => c.name.startsWith('Duda'))).toHaveLength(1);
  });

  it('relays an agent’s reply in the post to WhatsApp signed with the server name; !note stays internal; echoes do not loop', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000005', name: 'Hana', text: 'alguém aí?' }));
    const post = await postFor('Hana');

    const note = personMessage(world(), post.id, AGENT, '!note cliente VIP');
    discord.gateway.dispatch('MESSAGE_CREATE', note);
    await eventually('🔒 on the note', () => world().messages.get(note.id as string)!.reactions.has('🔒'));

    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(world(), post.id, AGENT, 'Oi Hana, já vejo isso \\*agora\\*'));
    const send = await eventually('the WhatsApp send', () => sendsTo('5511900000005')[0]);
    expect(send.body).toMatchObject({ type: 'text', text: { body: '*Ana (Suporte):*\nOi Hana, já vejo isso *agora*' } });

    // Ponte's own posts came back over the gateway (the customer's line with webhook_id, the card
    // from the bot) before the agent wrote: skipped at the gateway, neither recorded nor relayed.
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(sendsTo('5511900000005').map((c) => (c.body as { text: { body: string } }).text.body)).toEqual(['*Ana (Suporte):*\nOi Hana, já vejo isso *agora*']);
    expect(customerPosts(post.id).map((m) => m.content)).toEqual(['alguém aí?']);
    const recorded = await h.ponte.sql<{ reason: string }[]>`
      SELECT reason FROM inbound_events WHERE source = 'discord' AND reason IN ('webhook_echo', 'bot_message')`;
    expect(recorded).toEqual([]);
  });

  it('posts a 5,000-character customer message as ordered parts of at most 2000', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `p${String(i).padStart(3, '0')}`).join(' ');
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000009', name: 'Jade', text }));
    const post = await postFor('Jade');
    await eventually('every part', () => customerPosts(post.id).map((m) => m.content).join(' ').length >= text.length);
    const parts = customerPosts(post.id).map((m) => m.content);
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });

  it('Accept (the button) turns the tag to Open and updates the card', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511900000007', name: 'Iris', text: 'preciso de ajuda' }));
    const post = await postFor('Iris');
    const card = history(post.id)[0]!;
    const ticketId = ticketIdOf(card);
    expect(ticketId).toBeDefined();
    const click = buttonClick(world(), { channelId: post.id, from: AGENT, messageId: card.id, customId: `ponte:accept:${ticketId}` });
    discord.gateway.dispatch('INTERACTION_CREATE', click);

    await eventually('the post tagged Open', () => world().channels.get(post.id)!.applied_tags?.[0] === tagId('Open'));
    const updated = world().messages.get(card.id)!;
    expect(JSON.stringify(updated.embeds)).toContain('Ana (Suporte)');
    expect(JSON.stringify(updated.components)).not.toContain('ponte:accept');
    // Answered within Discord's 3 s by a deferred update: nothing extra shown in the post.
    expect(world().interactions.get(click.id as string)!.callbacks).toEqual([{ type: 6 }]);
  });
});

describe('Discord boot refusals', () => {
  it('a gateway that closes 4014 stops the boot with one line naming the Developer Portal switch', async () => {
    const strict = await startFakeDiscord({ gateway: { privilegedIntents: 0 } });
    try {
      const err = await startHarness(discordEnv(strict)).then(
        async (other) => {
          await other.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      const line = startupFailureLine(err);
      expect(line).toMatch(/Message Content Intent/);
      expect(line).toMatch(/Developer Portal/);
      expect(line).not.toContain('\n');
    } finally {
      await strict.close();
    }
  });

  it('a refused token stops the boot with one line saying to reset it', async () => {
    const other = await startFakeDiscord({ token: 'the-right-token' });
    try {
      const err = await startHarness({ ...discordEnv(other), DISCORD_BOT_TOKEN: 'a-wrong-token' }).then(
        async (started) => {
          await started.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(startupFailureLine(err)).toMatch(/refused the bot token.*DISCORD_BOT_TOKEN/);
    } finally {
      await other.close();
    }
  });
});
