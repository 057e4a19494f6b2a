// One Ponte deployment as an operator runs it: a `web` process and `worker` processes (children,
// supervised), a fresh database on the suite's Postgres, its own queue prefix on the suite's Redis,
// and fake Slack and Graph APIs. The WhatsApp number is connected to CHANNEL by an admin's slash
// command, over signed HTTP, like in production.
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../src/local/index.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { startFakeGraph, type FakeGraph, type GraphCall, type GraphFailure } from '../../fakes/graph-api.js';
import { slackHeaders, slashCommandBody } from '../../fixtures/slack.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { ADMIN, CHANNEL, PHONE_ID, SECRETS, platformEnv } from '../../support/platform-env.js';
import type { DataServices } from './data-services.js';
import { supervise, type ProcessExit, type Supervised } from './supervisor.js';

export const SWEEP_EVERY_MS = 1000;
export const FAREWELL = 'Tchau {name}, até logo!';

export interface Stack {
  base: string;
  slack: FakeSlack;
  graph: FakeGraph;
  db: TestDatabase;
  web: Supervised;
  workers: Supervised[];
  /** Graph calls the fake answered with an injected failure (they did not reach the customer). */
  failedGraphCalls: Set<GraphCall>;
  /** Queues `count` Graph failures for message sends, remembering which calls they hit. */
  failGraphSends(failure: GraphFailure, count: number): void;
  /** Pids of web and workers, by name. */
  pids(): Record<string, number | undefined>;
  /** Exits seen by the supervisors (kills asked for by the test included, marked `requested`). */
  exits(): ProcessExit[];
  close(): Promise<void>;
}

export interface StackOptions {
  workers?: number;
  env?: Record<string, string>;
}

export async function startStack(services: DataServices, opts: StackOptions = {}): Promise<Stack> {
  const [db, slack, graph, port] = await Promise.all([
    createTestDatabase(services.postgresUrl),
    startFakeSlack({ token: SECRETS.slackBot }),
    startFakeGraph({ token: SECRETS.waToken }),
    freePort(),
  ]);
  slack.users.set('UAGENT01', { name: 'maria', real_name: 'Maria Silva', display_name: 'Maria' });
  slack.users.set(ADMIN, { name: 'ana', real_name: 'Ana Admin', display_name: 'Ana' });
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: services.redisUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PONTE_QUEUE_PREFIX: `pf${randomBytes(4).toString('hex')}`,
    PONTE_SWEEP_EVERY_MS: String(SWEEP_EVERY_MS),
    PONTE_HTTP_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
    ...platformEnv({ graph: graph.url, slack: slack.url }),
    ...opts.env,
  };
  const base = `http://127.0.0.1:${port}`;
  const web = supervise('web', ['start', '--role', 'web'], env);
  const workers: Supervised[] = [];
  const failedGraphCalls = new Set<GraphCall>();
  const stack: Stack = {
    base, slack, graph, db, web, workers, failedGraphCalls,
    failGraphSends(failure, count) {
      for (let i = 0; i < count; i++) {
        graph.failNext(failure, (call) => {
          const hit = call.method === 'POST' && /\/messages$/.test(call.path) && typeof call.body === 'object' && call.body !== null && 'to' in call.body;
          if (hit) failedGraphCalls.add(call);
          return hit;
        });
      }
    },
    pids: () => Object.fromEntries([web, ...workers].map((p) => [p.name, p.pid()])),
    exits: () => [web, ...workers].flatMap((p) => p.exits),
    async close() {
      await Promise.allSettled([web, ...workers].map((p) => p.stop()));
      await Promise.allSettled([slack.close(), graph.close()]);
      await db.drop().catch(() => {});
    },
  };
  try {
    // All at once, as a deployment starts them: migrations take a lock, so exactly one applies them.
    for (let i = 0; i < (opts.workers ?? 2); i++) workers.push(supervise(`worker${i + 1}`, ['start', '--role', 'worker'], env));
    await Promise.all([web, ...workers].map((p) => p.ready(60_000)));
    await slashCommand(base, `connect whatsapp ${PHONE_ID} <#${CHANNEL}|support>`);
    await slashCommand(base, `message farewell ${FAREWELL}`);
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}

async function slashCommand(base: string, text: string): Promise<void> {
  const body = slashCommandBody({ command: '/ponte', text, userId: ADMIN, channelId: CHANNEL });
  const res = await fetch(`${base}/slack/events`, { method: 'POST', body, headers: slackHeaders(body, SECRETS.slackSigning, { contentType: 'application/x-www-form-urlencoded' }) });
  if (res.status !== 200) throw new Error(`/ponte ${text}: answered ${res.status}`);
}
