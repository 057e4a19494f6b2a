// `/ponte` and `/ticket` as Discord application commands, end to end: registered at start (only
// when the definitions changed), answered ephemerally through the core's runCommand and `!`
// command path, with admins recognised from PONTE_ADMINS and the member's permissions.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { waTextMessage } from '../fixtures/meta.js';
import { PHONE_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { commandAutocomplete, slashCommand, type Person } from '../fakes/discord/event-builders.js';
import { bridgeCommands, startPonte } from '../../src/main.js';
import { t } from '../../src/i18n/catalog.js';
import { BOT_PERMISSIONS } from '../../bridges/discord/commands/invite.js';
import { answer } from '../../bridges/discord/slash.js';
import { REST } from 'discord.js';

const OWNER: Person = { id: '80351110224678001', username: 'olga', nick: 'Olga', permissions: String(1 << 5) }; // Manage Server
const LISTED: Person = { id: '80351110224678002', username: 'lia', permissions: '0' }; // in PONTE_ADMINS
const AGENT: Person = { id: '80351110224678003', username: 'ana', nick: 'Ana', permissions: '0' };

let discord: FakeDiscord;
let h: Harness;

const GUILD_PUT = 'PUT /applications/{application_id}/guilds/{guild_id}/commands';
const GLOBAL_PUT = 'PUT /applications/{application_id}/commands';

function discordEnv(fake: FakeDiscord, guild = true): Record<string, string> {
  return {
    DISCORD_BOT_TOKEN: fake.token, DISCORD_API_URL: fake.api.apiUrl, DISCORD_APPLICATION_ID: fake.world.applicationId,
    ...(guild ? { DISCORD_GUILD_ID: fake.world.guildId } : {}),
  };
}

beforeAll(async () => {
  discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  h = await startHarness({ ...discordEnv(discord), PONTE_ADMINS: `discord:${LISTED.id}` });
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
const sub = (name: string, options: Record<string, string | boolean> = {}, types: Record<string, number> = {}) => [
  { name, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: types[n] ?? (typeof value === 'boolean' ? 5 : 3), value })) },
];

/** Dispatches a slash command and returns the answer's content once Ponte has given it. */
async function run(from: Person, name: 'ponte' | 'ticket', options: unknown[], opts: { channelId?: string; locale?: string } = {}) {
  const cmd = slashCommand(world(), { channelId: opts.channelId ?? world().textChannelId, from, name, options, locale: opts.locale });
  discord.gateway.dispatch('INTERACTION_CREATE', cmd);
  const i = world().interactions.get(cmd.id as string)!;
  const [cb] = await eventually(`an answer to /${name}`, () => i.callbacks.length > 0 && (i.callbacks as { type: number; data: { content: string; flags: number; allowed_mentions: unknown } }[]));
  return cb!;
}

/** Another Ponte (its gateway role) on the same database and fake Discord: what a restart does. */
async function startAgain(env: Record<string, string>) {
  const ponte = await startPonte({
    listen: false, role: 'gateway',
    env: { DATABASE_URL: h.db.url, REDIS_URL: inject('redisUrl'), PONTE_QUEUE_PREFIX: `pt${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', ...env },
  });
  await ponte.stop();
}

async function postFor(customer: string, forumId: string) {
  return eventually(`a post for ${customer}`, () =>
    [...world().channels.values()].find((c) => c.parent_id === forumId && c.name.startsWith(customer) && world().history(c.id).some((m) => m.webhook_id)),
  );
}

describe('Discord slash commands', () => {
  it('registers /ponte and /ticket in the guild at first start, not again when unchanged, again when the definitions changed', async () => {
    expect(discord.api.requestsTo(GUILD_PUT)).toHaveLength(1);
    const names = (world().commands.get(world().guildId) ?? []).map((c) => c.name);
    expect(names).toEqual(['ponte', 'ticket']);

    await startAgain(discordEnv(discord));
    expect(discord.api.requestsTo(GUILD_PUT)).toHaveLength(1);

    // What an older Ponte registered: another hash in settings.
    await h.ponte.sql`UPDATE settings SET value = ${h.ponte.sql.json({ hash: 'older-definitions' })} WHERE key = 'discord.commands'`;
    await startAgain(discordEnv(discord));
    expect(discord.api.requestsTo(GUILD_PUT)).toHaveLength(2);

    // Without DISCORD_GUILD_ID: global commands (a new target is a change too).
    await startAgain(discordEnv(discord, false));
    expect(discord.api.requestsTo(GLOBAL_PUT)).toHaveLength(1);
    expect((world().commands.get('global') ?? []).map((c) => c.name)).toEqual(['ponte', 'ticket']);
  });

  it('a non-admin’s /ponte connect changes nothing and says why, in their Discord language', async () => {
    const en = await run(AGENT, 'ponte', sub('connect', { kind: 'whatsapp', account: PHONE_ID, channel: world().forumId }, { channel: 7 }));
    expect(en).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(en.data.content).toContain('only Ponte admins');
    const pt = await run(AGENT, 'ponte', sub('connect', { kind: 'whatsapp', account: PHONE_ID }), { locale: 'pt-BR' });
    expect(pt.data.content).toContain(t('pt-BR', 'admin.refused').slice(0, 30));
    const fr = await run(AGENT, 'ponte', sub('help'), { locale: 'fr' });
    expect(fr.data.content).toContain('Ponte commands'); // PONTE_LOCALE (en) for a language Ponte lacks
    expect(await h.ponte.sql`SELECT 1 FROM connections WHERE account_id = ${PHONE_ID}`).toHaveLength(0);
  });

  it('a server admin’s /ponte connect whatsapp … channel:<forum> routes the number: a WhatsApp message opens a post there', async () => {
    const answer = await run(OWNER, 'ponte', sub('connect', { kind: 'whatsapp', account: PHONE_ID, channel: world().forumId }, { channel: 7 }));
    expect(answer).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(answer.data.content).toContain(`<#${world().forumId}>`);
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511911110001', name: 'Bia Costa', text: 'oi' }));
    await postFor('Bia Costa', world().forumId);
  });

  it('a PONTE_ADMINS member without server permissions is an admin; /ponte department add then autocompletes', async () => {
    const added = await run(LISTED, 'ponte', sub('department', { action: 'add', department: 'Vendas Sul', channel: world().forumId }, { channel: 7 }));
    expect(added.data.content).toContain('Vendas Sul');
    const typing = commandAutocomplete(world(), { channelId: world().textChannelId, from: AGENT, name: 'ponte', options: [
      { name: 'tickets', type: 1, options: [{ name: 'department', type: 3, value: 'vend', focused: true }] },
    ] });
    discord.gateway.dispatch('INTERACTION_CREATE', typing);
    const i = world().interactions.get(typing.id as string)!;
    await eventually('the autocomplete answer', () => i.callbacks.length > 0);
    expect(i.callbacks).toEqual([{ type: 8, data: { choices: [{ name: 'Vendas Sul', value: 'Vendas Sul' }] } }]);
  });

  it('/ponte tickets lists tickets only to the asker, each linked to its post', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511911110002', name: 'Caio Lima', text: 'preciso de ajuda' }));
    const post = await postFor('Caio Lima', world().forumId);
    const answer = await run(AGENT, 'ponte', sub('tickets', { filter: 'all' }));
    expect(answer.data.flags).toBe(64);
    expect(answer.data.content).toContain(`](<https://discord.com/channels/${world().guildId}/${post.id}>)`);
    expect(answer.data.content).toContain('Caio Lima');
  });

  it('/ticket note and /ticket resolve act on the post’s ticket; outside a post /ticket refuses in words', async () => {
    await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: '5511911110003', name: 'Davi Reis', text: 'obrigado' }));
    const post = await postFor('Davi Reis', world().forumId);
    await run(AGENT, 'ticket', sub('note', { text: 'cliente **VIP**' }), { channelId: post.id });
    await eventually('the note in the post, as words', () => world().history(post.id).some((m) => m.content.includes('Ana') && m.content.includes('cliente \\*\\*VIP\\*\\*')));
    const answer = await run(AGENT, 'ticket', sub('resolve', { reason: 'resolvido' }), { channelId: post.id });
    expect(answer).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(answer.data.content).toContain('!resolve resolvido');
    await eventually('the ticket resolved', async () => {
      const [row] = await h.ponte.sql<{ status: string }[]>`SELECT t.status FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.name = 'Davi Reis'`;
      return row?.status === 'resolved';
    });
    const resolvedTag = world().channels.get(world().forumId)!.available_tags!.find((x) => x.name === 'Resolved')!.id;
    await eventually('the post tagged Resolved', () => world().channels.get(post.id)!.applied_tags?.includes(resolvedTag));

    const elsewhere = await run(AGENT, 'ticket', sub('accept'), { channelId: world().textChannelId });
    expect(elsewhere.data.content).toBe(t('en', 'slash.not_a_ticket'));
  });

  it('ponte discord invite prints the install URL with exactly the bot’s permissions; ponte discord commands --guild forces a registration', async () => {
    const url = new URL(await bridgeCommands.discord!(['invite'], h.ponte.config));
    expect(url.searchParams.get('client_id')).toBe(world().applicationId);
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // View Channel, Send Messages, Send in Threads, Read History, Create Public Threads, Manage Threads/Channels/Webhooks, Embed, Attach, React.
    const bits = [10, 11, 38, 16, 35, 34, 4, 29, 14, 15, 6].reduce((n, b) => n | (1n << BigInt(b)), 0n);
    expect(url.searchParams.get('permissions')).toBe(bits.toString());
    expect(BOT_PERMISSIONS).toBe(bits);

    const before = discord.api.requestsTo(GUILD_PUT).length;
    expect(await bridgeCommands.discord!(['commands', '--guild', world().guildId], h.ponte.config)).toContain(world().guildId);
    expect(discord.api.requestsTo(GUILD_PUT)).toHaveLength(before + 1);
  });

  it('work that outlasts Discord’s 3 s is deferred (ephemeral) and @original edited with the answer; a long answer follows in parts', async () => {
    const cmd = slashCommand(world(), { channelId: world().textChannelId, from: AGENT, name: 'ponte', options: sub('status') });
    const rest = new REST({ api: discord.api.apiUrl }).setToken(discord.token);
    const long = 'x'.repeat(2500);
    // Slow work, as a command that waits on a platform would be.
    const slow = new Promise<{ text: string }[]>((resolve) => setTimeout(() => resolve([{ text: long }]), 2500));
    const earlier = new Set(world().messages.keys());
    await answer(rest, cmd as never, slow);
    const i = world().interactions.get(cmd.id as string)!;
    expect(i.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    const original = world().messages.get(i.original_id!)!;
    expect(original.ephemeral).toBe(true);
    const followUps = [...world().messages.values()].filter((m) => m.channel_id === world().textChannelId && m.ephemeral && m.id !== original.id && m.webhook_id && !earlier.has(m.id));
    expect(original.content.length + followUps.reduce((n, m) => n + m.content.length, 0)).toBe(2500);
  });
});
