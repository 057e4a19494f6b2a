import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, interactionBody } from '../fixtures/slack.js';
import { eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import type { SlackCall } from '../fakes/slack-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const publishesFor = (user: string): SlackCall[] => h.slack.callsTo('views.publish').filter((c) => c.params.user_id === user);
const viewText = (c: SlackCall | undefined) => JSON.stringify((c?.params.view as { blocks?: unknown }) ?? null);
const openHome = (user: string) =>
  h.postSlack(JSON.stringify(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME01', tab: 'home', event_ts: `${Date.now() / 1000}` })), 'application/json');

describe('the App Home tab', () => {
  it('shows my tickets and the waiting queue, refreshes on change, and accepts from the queue', async () => {
    await h.customerWrites('5511900001111', 'Fila Um', 'oi');
    expect((await openHome('UAGENT01')).statusCode).toBe(200);
    const first = await eventually('the home published', () => publishesFor('UAGENT01')[0]);
    expect((first.params.view as { type: string }).type).toBe('home');
    expect(viewText(first)).toContain('My tickets');
    expect(viewText(first)).toContain('Waiting (1)');
    expect(viewText(first)).toContain('Fila Um');
    const [ticket] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511900001111'`;
    expect(viewText(first)).toContain(`"value":"${ticket!.id}"`);

    // A new ticket changes the waiting queue: the home is republished.
    await h.customerWrites('5511900002222', 'Fila Dois', 'olá');
    await eventually('republished with two waiting', () => viewText(publishesFor('UAGENT01').at(-1)).includes('Waiting (2)'));

    // Accept straight from the home tab (a button in a view: no channel, no thread).
    const payload = {
      type: 'block_actions', user: { id: 'UAGENT01' }, trigger_id: `${Date.now()}.1.home`, team: { id: 'T0001' },
      container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home' },
      actions: [{ action_id: 'ticket.accept', value: ticket!.id, type: 'button', action_ts: `${Date.now() / 1000}` }],
    };
    expect((await h.postSlack(interactionBody(payload), 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    await eventually('accepted by Maria', async () => {
      const [r] = await h.db.sql<{ name: string | null }[]>`SELECT a.display_name AS name FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.id = ${ticket!.id}`;
      return r?.name === 'Maria';
    });
    const after = await eventually('the home shows it as mine', () => {
      const v = viewText(publishesFor('UAGENT01').at(-1));
      return v.includes('Waiting (1)') && v.indexOf('Fila Um') < v.indexOf('Waiting (1)') ? v : undefined;
    });
    expect(after).toContain('Fila Dois');
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});
