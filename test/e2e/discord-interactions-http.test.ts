// Discord's optional HTTP interactions (DISCORD_PUBLIC_KEY): Ed25519 over timestamp + raw body,
// PING → PONG, 401 on a bad signature, and a button press answered inline by the same handler
// as the gateway's INTERACTION_CREATE.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { startDiscordHarness } from '../support/discord-driver.js';
import { eventually, type Harness } from '../support/harness.js';
import type { FakeDiscord } from '../fakes/discord-api.js';
import { buttonClick, slashCommand } from '../fakes/discord/event-builders.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const other = generateKeyPairSync('ed25519').privateKey;

let h: Harness;
let discord: FakeDiscord;
let d: AgentDriver;

beforeAll(async () => {
  ({ h, discord, driver: d } = await startDiscordHarness({ DISCORD_PUBLIC_KEY: publicHex }));
});
afterAll(async () => d?.close());
afterEach(() => expect(discord.api.specViolations).toEqual([]));

function signed(body: unknown, key: KeyObject = privateKey, timestamp = String(Math.floor(Date.now() / 1000))) {
  const raw = JSON.stringify(body);
  const signature = sign(null, Buffer.from(timestamp + raw), key).toString('hex');
  return { raw, headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp } };
}
const post = async (raw: string, headers: Record<string, string>) => {
  const res = await h.ponte.app!.inject({ method: 'POST', url: '/discord/interactions', payload: raw, headers });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as unknown) : undefined };
};
const PING = { id: '1', application_id: '2', type: 1, token: 't', version: 1 };

describe('POST /discord/interactions', () => {
  it('answers a signed PING with PONG', async () => {
    const { raw, headers } = signed(PING);
    expect(await post(raw, headers)).toEqual({ status: 200, body: { type: 1 } });
  });

  it('refuses a wrong key, a changed body, a changed timestamp and a missing signature with 401', async () => {
    const wrongKey = signed(PING, other);
    expect((await post(wrongKey.raw, wrongKey.headers)).status).toBe(401);
    const good = signed(PING);
    expect((await post(good.raw.replace('"t"', '"u"'), good.headers)).status).toBe(401);
    expect((await post(good.raw, { ...good.headers, 'x-signature-timestamp': String(Number(good.headers['x-signature-timestamp']) + 1) })).status).toBe(401);
    const { 'x-signature-ed25519': _s, ...unsigned } = good.headers;
    expect((await post(good.raw, unsigned)).status).toBe(401);
  });

  it('a button press is answered inline (deferred update) and acted on like the gateway’s', async () => {
    const ticket = await customerWritesTo(d, '5511955554444', 'Nina', 'oi');
    const click = buttonClick(discord.world, { channelId: ticket.thread.threadId, from: { id: '80351110224678913', username: 'maria', nick: 'Maria' }, messageId: ticket.thread.threadId, customId: `ponte:accept:${ticket.id}` });
    const { raw, headers } = signed(click);
    expect(await post(raw, headers)).toEqual({ status: 200, body: { type: 6 } });
    await eventually('the card open by Maria', () => d.card(ticket).text.includes('Maria'));
    // Answered in the HTTP response: the callback route was not used.
    expect(discord.world.interactions.get(String(click.id))!.callbacks).toEqual([]);
  });

  it('a slash command is answered inline too (Discord sends every interaction here once the endpoint is set)', async () => {
    const cmd = slashCommand(discord.world, { channelId: discord.world.textChannelId, from: { id: '80351110224678914', username: 'rui', nick: 'Rui' }, name: 'ponte', options: [{ name: 'help', type: 1, options: [] }] });
    const { raw, headers } = signed(cmd);
    const res = await post(raw, headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect((res.body as { data: { content: string } }).data.content).toContain('/ponte');
    expect(discord.world.interactions.get(String(cmd.id))!.callbacks).toEqual([]);
  });
});
