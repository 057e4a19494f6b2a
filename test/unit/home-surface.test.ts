// The core's branching on the agent-side capabilities: homes are refreshed and published only
// for bridges with a home surface. Real Postgres (a fresh database); the bridges are tiny
// in-memory fakes of the port, since what is tested is which calls the core makes.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AgentPlatform } from '../../src/core/events.js';
import { hasHome, type AgentBridge, type AgentCapabilities, type HomeSurface, type HomeView } from '../../src/core/ports.js';
import { migrate } from '../../src/db/migrate.js';
import { refreshHomes } from '../../src/agent/home.js';
import { perform, type OperationDeps } from '../../src/pipeline/operations.js';
import { slackCapabilities } from '../../bridges/slack/capabilities.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const unused = () => Promise.reject(new Error('not expected in this test'));

function fakeBridge(platform: AgentPlatform, capabilities: AgentCapabilities): AgentBridge {
  return {
    platform, capabilities,
    openThread: unused, post: unused, updateCard: unused, react: unused, postFile: unused, fetchFile: unused,
    announce: unused, threadLink: unused, notify: unused, lookupUser: unused,
  };
}

const withoutHome: AgentCapabilities = { maxTextLength: 2000, privateReplies: 'interaction-window', forms: true, home: false, threadTags: true };

function homeBridge(platform: AgentPlatform): AgentBridge & HomeSurface & { published: { userId: string; home: HomeView }[] } {
  const published: { userId: string; home: HomeView }[] = [];
  return { ...fakeBridge(platform, { ...withoutHome, home: true }), published, publishHome: async (req) => void published.push(req) };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
});
afterAll(async () => db?.drop());
beforeEach(async () => {
  await db.sql`DELETE FROM outbox`;
  await db.sql`DELETE FROM home_viewers`;
  await db.sql`INSERT INTO home_viewers (platform, user_id) VALUES ('slack', 'U1'), ('discord', 'D1')`;
});

const queued = () => db.sql<{ lane: string }[]>`SELECT lane FROM outbox WHERE kind = 'home.publish' ORDER BY lane`;
const deps = (bridges: AgentBridge[]): OperationDeps => ({
  sql: db.sql, locale: 'en', channels: new Map(), secrets: undefined,
  bridges: new Map(bridges.map((b) => [b.platform, b])),
  mediaLimits: { image: 1, video: 1, audio: 1, document: 1, sticker: 1 },
});

describe('home refreshes follow the bridge’s capabilities', () => {
  it('queues nothing for a bridge without a home surface, even for people who opened a home before', async () => {
    expect(await refreshHomes(db.sql, new Map([['discord', fakeBridge('discord', withoutHome)]]))).toEqual([]);
    expect(await queued()).toEqual([]);
  });

  it('refreshes the viewers of the bridges that have one, and only theirs', async () => {
    const bridges = new Map<AgentPlatform, AgentBridge>([['slack', homeBridge('slack')], ['discord', fakeBridge('discord', withoutHome)]]);
    expect(await refreshHomes(db.sql, bridges)).toEqual(['home-slack-U1']);
    expect((await queued()).map((r) => r.lane)).toEqual(['home-slack-U1']);
  });

  it('performs a leftover home.publish for a homeless bridge as a no-op, and publishes through a home surface', async () => {
    await expect(perform(deps([fakeBridge('discord', withoutHome)]), { kind: 'home.publish', platform: 'discord', userId: 'D1' })).resolves.toEqual({ lanes: [] });
    const slack = homeBridge('slack');
    await perform(deps([slack]), { kind: 'home.publish', platform: 'slack', userId: 'U1' });
    expect(slack.published).toEqual([{ userId: 'U1', home: { mine: [], waiting: [], locale: 'en' } }]);
  });

  it('reads a home from the capabilities and the surface together', () => {
    expect(hasHome(fakeBridge('discord', withoutHome))).toBe(false);
    // Says it has a home but brings no publishHome: not a home surface.
    expect(hasHome(fakeBridge('slack', { ...withoutHome, home: true }))).toBe(false);
    expect(hasHome(homeBridge('slack'))).toBe(true);
  });
});

describe('the Slack bridge’s capabilities', () => {
  it('match the surfaces it implements', () => {
    const bridge = new SlackBridge({ token: 'xoxb-caps', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(bridge.capabilities).toBe(slackCapabilities);
    expect(hasHome(bridge)).toBe(slackCapabilities.home);
    expect(typeof bridge.openForm === 'function').toBe(slackCapabilities.forms);
    expect(slackCapabilities).toMatchObject({ maxTextLength: 40_000, privateReplies: 'anytime', threadTags: false });
  });
});
