// Proves the fake Discord (discord-api.ts + discord-gateway.ts) is one discord.js 14 accepts: a
// real Client logs in through `GET /gateway/bot`, receives dispatched events, answers interactions,
// posts forum threads and webhook messages, waits out a 429, and reports a 4014 close; and the
// fake catches a request that does not fit Discord's OpenAPI description.
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags, Partials, Routes, type Interaction, type Message, type ForumChannel } from 'discord.js';
import { REST } from '@discordjs/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './discord-api.js';
import { buttonClick, personMessage } from './discord/event-builders.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];
const AGENT = { id: '80351110224678912', username: 'ana', global_name: 'Ana' };

let discord: FakeDiscord;
let client: Client;

function newClient(fake: FakeDiscord): Client {
  return new Client({ intents: INTENTS, partials: [Partials.Channel, Partials.Message], rest: { api: fake.api.apiUrl, retries: 0 } });
}

beforeAll(async () => {
  discord = await startFakeDiscord();
  client = newClient(discord);
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
});

afterAll(async () => {
  await client.destroy();
  await discord.close();
});

afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
  expect(discord.api.unimplemented).toEqual([]);
});

describe('fake Discord through a real discord.js Client', () => {
  it('logs in: gateway found via /gateway/bot, IDENTIFY recorded, guild and forum cached', () => {
    expect(discord.api.requestsTo('GET /gateway/bot')).toHaveLength(1);
    expect(discord.gateway.identifies[0]).toMatchObject({ token: discord.token, intents: 33281 });
    expect(client.user?.id).toBe(discord.world.applicationId);
    const guild = client.guilds.cache.get(discord.world.guildId);
    expect(guild?.channels.cache.get(discord.world.forumId)?.name).toBe('tickets');
  });

  it('delivers a dispatched MESSAGE_CREATE as messageCreate', async () => {
    const got = once(client, Events.MessageCreate) as Promise<[Message]>;
    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(discord.world, discord.world.textChannelId, AGENT, 'olá, cliente'));
    const [message] = await got;
    expect(message.content).toBe('olá, cliente');
    expect(message.author.id).toBe(AGENT.id);
    expect(message.channelId).toBe(discord.world.textChannelId);
  });

  it('posts a forum thread with tags, then a webhook message into it with thread_id', async () => {
    const forum = (await client.channels.fetch(discord.world.forumId)) as ForumChannel;
    await forum.setAvailableTags([{ name: 'Pending', moderated: true }, { name: 'Open', moderated: true }]);
    const pending = discord.world.channels.get(forum.id)!.available_tags!.find((t) => t.name === 'Pending')!;

    const thread = await forum.threads.create({ name: 'Maria · WhatsApp', message: { content: 'ticket card' }, appliedTags: [pending.id] });
    expect(discord.world.channels.get(thread.id)?.applied_tags).toEqual([pending.id]);
    expect(discord.world.history(thread.id).map((m) => [m.id, m.content])).toEqual([[thread.id, 'ticket card']]);

    const webhook = await forum.createWebhook({ name: 'Ponte' });
    const sent = await webhook.send({ content: 'Oi @everyone', username: 'Maria', avatarURL: 'https://cdn.example/maria.png', threadId: thread.id, allowedMentions: { parse: [] } });
    const [execute] = discord.api.requestsTo('POST /webhooks/{webhook_id}/{webhook_token}');
    expect(execute?.query).toMatchObject({ wait: 'true', thread_id: thread.id });
    expect(execute?.body).toMatchObject({ username: 'Maria', avatar_url: 'https://cdn.example/maria.png', allowed_mentions: { parse: [] } });
    const stored = discord.world.messages.get(sent.id);
    expect(stored).toMatchObject({ channel_id: thread.id, content: 'Oi @everyone', webhook_id: webhook.id, author: { username: 'Maria' } });

    await thread.setArchived(true);
    await webhook.send({ content: 'again', threadId: thread.id });
    expect(discord.world.channels.get(thread.id)?.thread_metadata?.archived).toBe(false); // thread_id unarchives
  });

  it('answers an INTERACTION_CREATE through interaction.reply (ephemeral) on the callback route', async () => {
    const card = discord.world.addMessage({ channel_id: discord.world.textChannelId, author: discord.world.bot, content: 'card' });
    const got = once(client, Events.InteractionCreate) as Promise<[Interaction]>;
    const payload = buttonClick(discord.world, { channelId: discord.world.textChannelId, from: AGENT, messageId: card.id, customId: 'ponte:accept:42' });
    discord.gateway.dispatch('INTERACTION_CREATE', payload);
    const [interaction] = await got;
    expect(interaction.isButton() && interaction.customId).toBe('ponte:accept:42');
    if (!interaction.isButton()) throw new Error('expected a button interaction');

    // `ephemeral: true` still works in 14.x but is deprecated in favour of the flag.
    await interaction.reply({ content: 'You took this ticket.', flags: MessageFlags.Ephemeral });
    const [call] = discord.api.requestsTo('POST /interactions/{interaction_id}/{interaction_token}/callback');
    expect(call?.body).toEqual({ type: 4, data: expect.objectContaining({ content: 'You took this ticket.', flags: 64 }) });
    expect(call?.authorization).toBeUndefined();
    await interaction.editReply({ content: 'You took this ticket (edited).' });
    expect(discord.api.requestsTo('PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original')).toHaveLength(1);
    const answered = discord.world.interactions.get(payload.id as string)!;
    expect(discord.world.messages.get(answered.original_id!)).toMatchObject({ content: 'You took this ticket (edited).', ephemeral: true });
    // A second callback for the same interaction is refused like Discord does (discord.js would refuse before sending).
    const again = await client.rest
      .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'twice' } }, auth: false })
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 400, code: 40060 });
  });

  it('retries a request after a 429 with Retry-After and succeeds', async () => {
    const route = 'POST /channels/{channel_id}/messages';
    discord.api.failNext(route, { status: 429, retryAfter: 0.2 });
    const limited = once(client.rest, 'rateLimited');
    const channel = await client.channels.fetch(discord.world.textChannelId);
    if (!channel?.isSendable()) throw new Error('expected a text channel');
    const sent = await channel.send('after the limit');
    const [info] = (await limited) as [{ retryAfter: number; route: string }];
    expect(info.retryAfter).toBeGreaterThan(0);
    expect(discord.api.requestsTo(route).map((r) => r.status)).toEqual([429, 200]);
    expect(discord.world.messages.get(sent.id)?.content).toBe('after the limit');
  });

  it('uploads files (multipart), reacts, and registers guild commands by bulk overwrite', async () => {
    const channel = await client.channels.fetch(discord.world.textChannelId);
    if (!channel?.isSendable()) throw new Error('expected a text channel');
    const sent = await channel.send({ content: 'receipt', files: [{ attachment: Buffer.from('%PDF-1.4'), name: 'receipt.pdf' }] });
    const [upload] = discord.api.requestsTo('POST /channels/{channel_id}/messages').filter((r) => r.files.length > 0);
    expect(upload?.files).toEqual([expect.objectContaining({ field: 'files[0]', filename: 'receipt.pdf', size: 8 })]);
    expect(discord.world.messages.get(sent.id)?.attachments[0]?.bytes.toString()).toBe('%PDF-1.4');

    await sent.react('✅');
    expect(discord.world.messages.get(sent.id)?.reactions.has('✅')).toBe(true);

    const commands = [{ name: 'ticket', description: 'Ticket actions', options: [{ type: 1, name: 'accept', description: 'Take this ticket' }] }];
    const first = await client.application!.commands.set(commands, discord.world.guildId);
    const again = await client.application!.commands.set(commands, discord.world.guildId);
    expect([...again.keys()]).toEqual([...first.keys()]); // same name keeps its id, as Discord's overwrite does
    expect(discord.world.commands.get(discord.world.guildId)?.map((c) => c.name)).toEqual(['ticket']);
  });

  it('resumes the session after a resumable close, and events keep flowing', async () => {
    const resumed = once(client, Events.ShardResume);
    discord.gateway.disconnect(4000, 'Unknown error');
    await resumed;
    expect(discord.gateway.resumes).toEqual([expect.objectContaining({ session_id: expect.any(String), token: discord.token })]);
    const got = once(client, Events.MessageCreate) as Promise<[Message]>;
    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(discord.world, discord.world.textChannelId, AGENT, 'still here'));
    expect((await got)[0].content).toBe('still here');
  });

  it('records and refuses a body that does not fit the spec, as Discord does (50035)', async () => {
    const rest = new REST({ api: discord.api.apiUrl, retries: 0 }).setToken(discord.token);
    const err = await rest.post(`/channels/${discord.world.textChannelId}/messages`, { body: { content: 42, allowed_mentions: { parse: ['nobody'] } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect(discord.api.specViolations).toEqual(expect.arrayContaining([expect.stringContaining('body/content'), expect.stringContaining('body/allowed_mentions')]));
    const unknown = await rest.get('/channels/1/not-a-route').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404 });
    expect(discord.api.specViolations.at(-1)).toContain('no operation in the OpenAPI description');
    discord.api.specViolations.length = 0; // seen; the afterEach check is for the other tests
  });
});

describe('gateway refusals', () => {
  it('closes with 4014 when MessageContent is not enabled, and the client reports it', async () => {
    const strict = await startFakeDiscord({ gateway: { privilegedIntents: 0 } });
    const c = newClient(strict);
    try {
      const disconnected = once(c, Events.ShardDisconnect) as Promise<[{ code: number }, number]>;
      const errored = once(c, Events.ShardError) as Promise<[Error]>;
      const login = c.login(strict.token).catch((e: unknown) => e);
      const [event] = await disconnected;
      expect(event.code).toBe(4014);
      const [error] = await errored;
      expect(error.message).toMatch(/disallowed intents/i);
      expect(strict.gateway.closeCodes).toEqual([4014]);
      void login;
    } finally {
      await c.destroy();
      await strict.close();
    }
  });
});
