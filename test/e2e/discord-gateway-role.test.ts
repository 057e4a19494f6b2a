// `ponte start --role gateway`: the Discord gateway alone, feeding the inbox. No HTTP, no
// workers: what agents write is recorded durably for the workers of another process.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPonte, type Ponte } from '../../src/main.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { personMessage } from '../fakes/discord/event-builders.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/harness.js';

let discord: FakeDiscord;
let db: TestDatabase;
let ponte: Ponte;
const lines: { msg?: string }[] = [];

beforeAll(async () => {
  discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  db = await createTestDatabase(inject('databaseUrl'));
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(JSON.parse(chunk.toString()) as { msg?: string }), done()) });
  ponte = await startPonte({
    role: 'gateway',
    log: pino({ level: 'info' }, sink),
    env: {
      DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), PONTE_QUEUE_PREFIX: `pg${randomBytes(4).toString('hex')}`,
      DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.api.apiUrl, DISCORD_APPLICATION_ID: discord.world.applicationId,
    },
  });
});
afterAll(async () => {
  await ponte?.stop();
  await discord?.close();
  await db?.drop();
});

describe('the gateway role', () => {
  it('connects to the Discord gateway, says so at boot, and records what agents write, with no HTTP and no workers', async () => {
    expect(discord.gateway.identifies).toHaveLength(1);
    expect(ponte.app).toBeUndefined();
    expect(lines.map((l) => l.msg)).toContain('discord: on');
    const post = discord.world.addThread(discord.world.forumId, 'Carla · 20261201-000009');
    const said = personMessage(discord.world, post.id, { id: '80351110224678912', username: 'ana', nick: 'Ana' }, 'oi Carla');
    discord.gateway.dispatch('MESSAGE_CREATE', said);
    const [event] = await eventually('the message in the inbox', () =>
      db.sql<{ state: string }[]>`SELECT state FROM inbound_events WHERE source = 'discord' AND dedupe_key = ${`discord:m:${String(said.id)}`}`.then((r) => r.length > 0 && r),
    );
    // No worker here: it waits, durably, for a worker process.
    expect(event!.state).toBe('pending');
    expect(discord.api.specViolations).toEqual([]);
  });
});
