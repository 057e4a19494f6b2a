// Discord as an operator runs it: `node bin/ponte.js start` in a child process with the Discord
// and Meta variables only (no Slack), against the fake Discord and the Graph fake, observed from
// outside: its log lines, what it asks of Discord, what reaches WhatsApp.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/index.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph-api.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { personMessage, slashCommand, type Person } from '../fakes/discord/event-builders.js';
import { metaHeaders, waTextMessage } from '../fixtures/meta.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/harness.js';
import { PHONE_ID, SECRETS } from '../support/platform-env.js';
import { startCli, type CliProcess } from '../support/cli-process.js';

const ADMIN: Person = { id: '80351110224678990', username: 'dona', global_name: 'Dona Admin', permissions: '0' };
const AGENT: Person = { id: '80351110224678991', username: 'leo', global_name: 'Leo Souza', nick: 'Leo (Suporte)', permissions: '0' };
const CUSTOMER = '5511933332222';

let db: TestDatabase;
let graph: FakeGraph;
let discord: FakeDiscord;
let ponte: CliProcess | undefined;
let base = '';

beforeAll(async () => {
  [db, graph, discord] = await Promise.all([
    createTestDatabase(inject('databaseUrl')),
    startFakeGraph({ token: SECRETS.waToken }),
    startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } }),
  ]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  ponte = startCli(['start'], {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    PORT: String(port),
    HOST: '127.0.0.1',
    PONTE_QUEUE_PREFIX: `dp${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'info',
    PONTE_ADMINS: `discord:${ADMIN.id}`,
    META_APP_SECRET: SECRETS.meta,
    META_VERIFY_TOKEN: SECRETS.verify,
    META_GRAPH_URL: graph.url,
    WHATSAPP_ACCESS_TOKEN: SECRETS.waToken,
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.world.applicationId,
    DISCORD_API_URL: discord.api.apiUrl,
    DISCORD_GUILD_ID: discord.world.guildId,
  });
  await ponte.waitForLog((l) => l.msg === 'ponte started', 60_000);
}, 90_000);

afterAll(async () => {
  if (ponte && ponte.child.exitCode === null && ponte.child.signalCode === null) {
    ponte.child.kill('SIGTERM');
    await ponte.exited;
  }
  await Promise.all([graph?.close(), discord?.close()]);
  await db?.drop();
});
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
});

const world = () => discord.world;

async function command(from: Person, options: unknown[]) {
  const cmd = slashCommand(world(), { channelId: world().textChannelId, from, name: 'ponte', options });
  discord.gateway.dispatch('INTERACTION_CREATE', cmd);
  const i = world().interactions.get(cmd.id as string)!;
  await eventually('an answer to /ponte', () => i.callbacks.length > 0, 15_000);
}
const connectWhatsApp = [{ name: 'connect', type: 1, options: [
  { name: 'kind', type: 3, value: 'whatsapp' },
  { name: 'account', type: 3, value: PHONE_ID },
  { name: 'channel', type: 7, value: '' },
] }];

describe('ponte start with Discord only (no Slack variables)', () => {
  it('says Discord is on and Slack off, connects with the MessageContent intent, and registers /ponte and /ticket', async () => {
    const lines = running().jsonLines().map((l) => String(l.msg));
    expect(lines).toContain('discord: on');
    expect(lines.some((l) => l.startsWith('slack: off'))).toBe(true);
    await eventually('an IDENTIFY', () => discord.gateway.identifies.length > 0);
    expect(discord.gateway.identifies[0]!.intents & (1 << 15)).not.toBe(0);
    await eventually('the commands registered', () => (world().commands.get(world().guildId) ?? []).length === 2, 15_000);
    expect(world().commands.get(world().guildId)!.map((c) => c.name)).toEqual(['ponte', 'ticket']);
  });

  it('a non-admin’s /ponte connect changes nothing; an admin’s routes the number to the forum', async () => {
    connectWhatsApp[0]!.options[2]!.value = world().forumId;
    await command(AGENT, connectWhatsApp);
    expect(await db.sql`SELECT 1 FROM connections WHERE account_id = ${PHONE_ID}`).toHaveLength(0);
    await command(ADMIN, connectWhatsApp);
    const [c] = await db.sql<{ agent_platform: string; agent_destination: string }[]>`SELECT agent_platform, agent_destination FROM connections WHERE account_id = ${PHONE_ID}`;
    expect(c).toEqual({ agent_platform: 'discord', agent_destination: world().forumId });
  });

  it('a customer’s WhatsApp text becomes a forum post, and the agent’s reply there reaches WhatsApp signed with their server name', async () => {
    const body = JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: CUSTOMER, name: 'Rui Costa', text: 'boa tarde, preciso de ajuda' }));
    const res = await fetch(`${base}/webhooks/meta`, { method: 'POST', body, headers: metaHeaders(body, SECRETS.meta) });
    expect(res.status).toBe(200);
    const post = await eventually('a forum post for the customer', () =>
      [...world().channels.values()].find((c) => c.parent_id === world().forumId && c.name.startsWith('Rui Costa') && world().history(c.id).some((m) => m.webhook_id)), 15_000);
    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(world(), post.id, AGENT, 'Boa tarde! Em que posso ajudar?'));
    const sent = await eventually('the reply on WhatsApp', () =>
      graph.sends().map((c) => c.body as { to?: string; text?: { body: string } }).find((b) => b.to === CUSTOMER && b.text?.body.includes('Em que posso ajudar')), 15_000);
    expect(sent.text!.body).toContain('Leo (Suporte)');
  });
});

function running(): CliProcess {
  if (!ponte) throw new Error('ponte did not start');
  return ponte;
}
