// The template picker through the shared Slack handler, with the real inbox on a fresh Postgres
// database and real BullMQ queues (no workers: recorded events stay pending), and the fake Slack
// behind SlackBridge.openForm.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { MessageTemplate } from '../../src/core/ports.js';
import { migrate } from '../../src/db/migrate.js';
import { Inbox } from '../../src/pipeline/inbox.js';
import { createQueues, redisConnection, type Queues } from '../../src/queue/queues.js';
import { createMetrics } from '../../src/metrics.js';
import { createLogger } from '../../src/logger.js';
import { handleSlackDelivery, type SlackHandlerDeps } from '../../bridges/slack/handler.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { blockActionsPayload, templateSubmissionPayload } from '../fixtures/slack.js';

const TEMPLATES: MessageTemplate[] = [
  { name: 'pedido_enviado', language: 'pt_BR', category: 'utility', status: 'APPROVED', body: 'Olá {{1}}, seu pedido {{2}} foi enviado.', paramCount: 2 },
  { name: 'retomar_conversa', language: 'pt_BR', category: 'marketing', status: 'APPROVED', body: 'Oi {{1}}! Podemos continuar?', paramCount: 1 },
];

let db: TestDatabase;
let queues: Queues;
let redis: ReturnType<typeof redisConnection>;
let slack: FakeSlack;
let deps: SlackHandlerDeps;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
  redis = redisConnection(inject('redisUrl'));
  queues = createQueues(redis, `tp${randomBytes(4).toString('hex')}`);
  slack = await startFakeSlack({ token: 'xoxb-picker' });
  const bridge = new SlackBridge({ token: 'xoxb-picker', apiUrl: slack.url });
  deps = {
    inbox: new Inbox(db.sql, queues.kicker, createMetrics(), createLogger('silent')),
    locale: 'en',
    runCommand: () => Promise.resolve([]),
    openView: (triggerId, view) => bridge.openForm(triggerId, view),
    templatesForTicket: (ticketId) => Promise.resolve(ticketId === '42' ? TEMPLATES : []),
  };
});
afterAll(async () => {
  await queues?.ingest.obliterate({ force: true });
  await queues?.close();
  await redis?.quit();
  await slack?.close();
  await db?.drop();
});
beforeEach(() => {
  slack.calls.length = 0;
});

const interaction = (body: unknown) => handleSlackDelivery(deps, { type: 'interaction', body, raw: JSON.stringify(body) });
const press = (actionId: string, value: string, triggerId = `${Date.now()}.${randomBytes(4).toString('hex')}`) =>
  blockActionsPayload({ actionId, value, userId: 'UAGENT1', channelId: 'C0SUPPORT', messageTs: '1700000001.000100', threadTs: '1700000000.000100', triggerId });
const openedView = () => {
  const [call] = slack.callsTo('views.open');
  return call?.params.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string; element?: { options?: { value: string }[] } }[] };
};
const rows = (kind: string) => db.sql<{ state: string; reason: string | null; payload: unknown; dedupe_key: string | null }[]>`
  SELECT state, reason, payload, dedupe_key FROM inbound_events WHERE kind = ${kind} ORDER BY id`;

describe('opening the template picker', () => {
  it('opens the modal with the ticket\'s templates at the button\'s trigger, and records only that it did', async () => {
    const before = (await rows('slack.block_actions')).length;
    expect(await interaction(press('ticket.templates', '42', '111.222.abc'))).toBeUndefined();
    const [call] = slack.callsTo('views.open');
    expect(call?.params.trigger_id).toBe('111.222.abc');
    expect(openedView()).toMatchObject({ callback_id: 'ponte.template', private_metadata: expect.stringMatching(/^42\|thread:/) });
    expect(openedView().blocks.find((b) => b.block_id === 'template')?.element?.options?.map((o) => o.value)).toEqual(['pedido_enviado|pt_BR|2', 'retomar_conversa|pt_BR|1']);
    const recorded = await rows('slack.block_actions');
    expect(recorded.slice(before)).toEqual([{ state: 'ignored', reason: 'opened_template_modal', payload: null, dedupe_key: null }]);
    expect(slack.specViolations).toEqual([]);
  });

  it('opens it from the card\'s More menu too', async () => {
    const body = press('ticket.more', '');
    body.actions = [{ ...body.actions[0]!, type: 'overflow', selected_option: { value: 'template:42' } } as never];
    await interaction(body);
    expect(openedView()).toMatchObject({ callback_id: 'ponte.template', private_metadata: expect.stringMatching(/^42\|thread:/) });
  });

  it('says how to load templates when the ticket has none', async () => {
    await interaction(press('ticket.templates', '7'));
    expect(JSON.stringify(openedView())).toContain('/ponte templates sync');
  });
});

describe('submitting the template picker', () => {
  const submit = (o: Partial<Parameters<typeof templateSubmissionPayload>[0]>) =>
    interaction(templateSubmissionPayload({ ticketId: '42', userId: 'UAGENT1', value: 'pedido_enviado|pt_BR|2', params: 'Maria\n#4512', ...o }));

  it('shows field errors in the modal and records nothing', async () => {
    const before = (await rows('agent.action')).length;
    expect(await submit({ value: null, viewId: 'V0ERR0001' })).toEqual({ response_action: 'errors', errors: { template: 'Choose a template.' } });
    expect(await submit({ params: 'Maria', viewId: 'V0ERR0002' })).toEqual({
      response_action: 'errors',
      errors: { params: 'This template takes 2 parameter(s): write one per line.' },
    });
    expect(await rows('agent.action')).toHaveLength(before);
  });

  it('records the template action once, closing the modal', async () => {
    expect(await submit({ viewId: 'V0OK00001' })).toBeUndefined();
    expect(await submit({ viewId: 'V0OK00001' })).toBeUndefined(); // a double submit of the same view
    const recorded = (await rows('agent.action')).filter((r) => r.dedupe_key === 'slack:v:V0OK00001');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      state: 'pending',
      payload: { action: 'template', ticketId: '42', userId: 'UAGENT1', template: { name: 'pedido_enviado', language: 'pt_BR', params: ['Maria', '#4512'] } },
    });
  });
});
