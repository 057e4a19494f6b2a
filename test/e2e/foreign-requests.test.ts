import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, interactionBody, slackMessageEvent, slashCommandBody } from '../fixtures/slack.js';
import { CHANNEL, eventually, nextAgentTs, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const form = 'application/x-www-form-urlencoded';
const foreignRows = async () => (await h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE reason LIKE 'foreign_%' ORDER BY id`).map((r) => r.reason);
const foreignCount = async () => {
  const m = /ponte_webhook_requests_total\{source="slack",outcome="foreign"\} (\d+)/.exec((await h.ponte.app!.inject({ method: 'GET', url: '/metrics' })).body);
  return Number(m?.[1] ?? 0);
};
const ticketOf = async (phone: string) => {
  const [row] = await h.db.sql<{ id: string; status: string; assignee_id: string | null }[]>`
    SELECT t.id, t.status, t.assignee_id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} ORDER BY t.id DESC LIMIT 1`;
  return row!;
};

describe('requests from another Slack workspace or app', () => {
  it('learns this deployment’s team and app from auth.test and bots.info', async () => {
    await eventually('bots.info asked', () => h.slack.callsTo('bots.info').length > 0);
    expect(h.slack.specViolations).toEqual([]);
  });

  it('refuses an agent message from another team or app: recorded, counted, not relayed', async () => {
    const cardTs = await h.customerWrites('5511977770001', 'Lia', 'preciso de ajuda');
    const before = await foreignCount();
    const otherTeam = slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: 'from elsewhere', ts: nextAgentTs(), threadTs: cardTs, teamId: 'T0THEM' });
    const otherApp = { ...slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: 'from another app', ts: nextAgentTs(), threadTs: cardTs }), api_app_id: 'A0OTHER' };
    expect((await h.postSlack(JSON.stringify(otherTeam), 'application/json')).statusCode).toBe(200);
    expect((await h.postSlack(JSON.stringify(otherApp), 'application/json')).statusCode).toBe(200);
    expect(await foreignRows()).toEqual(expect.arrayContaining(['foreign_team:T0THEM', 'foreign_app:A0OTHER']));
    expect(await foreignCount()).toBe(before + 2);
    // Our own message after them goes through, and it is the only one the customer gets.
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'from us', threadTs: cardTs });
    await eventually('our reply', () => h.textsSentTo('5511977770001').some((t) => t.includes('from us')));
    await h.ponte.sweep();
    expect(h.textsSentTo('5511977770001').join('\n')).not.toMatch(/elsewhere|another app/);
  });

  it('answers a slash command from another team or app with a plain refusal and does nothing', async () => {
    const before = await foreignCount();
    for (const extra of [{ teamId: 'T0THEM' }, { apiAppId: 'A0OTHER' }]) {
      const res = await h.postSlack(slashCommandBody({ command: '/ponte', text: 'search Lia', userId: 'UAGENT01', channelId: CHANNEL, ...extra }), form);
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body) as { response_type: string; text: string };
      expect(body).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/another Slack workspace or app/) });
      expect(body.text).not.toMatch(/Lia/);
    }
    expect(await foreignCount()).toBe(before + 2);
  });

  it('ignores a button pressed in another team or app: the ticket is unchanged', async () => {
    const cardTs = await h.customerWrites('5511977770002', 'Téo', 'olá');
    const { id } = await ticketOf('5511977770002');
    const before = await foreignCount();
    const otherTeam = blockActionsPayload({ actionId: 'ticket.accept', value: id, userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs, teamId: 'T0THEM' });
    const otherApp = { ...blockActionsPayload({ actionId: 'ticket.accept', value: id, userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs }), api_app_id: 'A0OTHER' };
    for (const p of [otherTeam, otherApp]) expect((await h.postSlack(interactionBody(p), form)).statusCode).toBe(200);
    expect(await foreignCount()).toBe(before + 2);
    await h.ponte.sweep();
    expect(await ticketOf('5511977770002')).toMatchObject({ status: 'pending', assignee_id: null });
    expect(h.textsSentTo('5511977770002')).toEqual([]);
  });
});

describe('where a button was pressed', () => {
  const pressAt = (payload: unknown) => h.postSlack(interactionBody(payload), form);
  const homePress = (ticketId: string, userId: string) => {
    const { channel: _c, message: _m, ...rest } = blockActionsPayload({ actionId: 'ticket.accept', value: ticketId, userId, channelId: 'unused', messageTs: '1.1' });
    return { ...rest, container: { type: 'view', view_id: 'VHOME0001' }, view: { id: 'VHOME0001', type: 'home', callback_id: '' } };
  };
  const ephemeralTo = (userId: string, pattern: RegExp) =>
    eventually(`a private line for ${userId}`, () => h.slack.callsTo('chat.postEphemeral').find((c) => c.params.user === userId && pattern.test(String(c.params.text))));

  it('refuses in words an Accept pressed on a message in another channel, and the ticket is unchanged', async () => {
    const cardTs = await h.customerWrites('5511977770003', 'Ivo', 'bom dia');
    const { id } = await ticketOf('5511977770003');
    const elsewhere = blockActionsPayload({ actionId: 'ticket.accept', value: id, userId: 'UAGENT01', channelId: 'C0ELSEWHERE', messageTs: '1700009999.000100' });
    expect((await pressAt(elsewhere)).statusCode).toBe(200);
    await ephemeralTo('UAGENT01', /not on this ticket’s card or in its thread/);
    await h.ponte.sweep();
    expect(await ticketOf('5511977770003')).toMatchObject({ status: 'pending', assignee_id: null });
    expect(h.textsSentTo('5511977770003')).toEqual([]);
    // The same press from the ticket's own card works.
    expect((await pressAt(blockActionsPayload({ actionId: 'ticket.accept', value: id, userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs }))).statusCode).toBe(200);
    await eventually('accepted from its card', async () => (await ticketOf('5511977770003')).status === 'open');
  });

  it('acts from the App Home for an agent of the ticket’s department, and refuses one of another department in words', async () => {
    await h.slashCommand('department add Vendas <#C0VENDAS01|vendas>');
    await h.slashCommand('agent add <@UAGENT01|maria>');
    await h.slashCommand('agent add <@UAGENT02|joao> Vendas');
    await h.customerWrites('5511977770004', 'Juca', 'oi');
    const { id } = await ticketOf('5511977770004');
    expect((await pressAt(homePress(id, 'UAGENT02'))).statusCode).toBe(200);
    await ephemeralTo('UAGENT02', /only agents of \*General\*/);
    await h.ponte.sweep();
    expect(await ticketOf('5511977770004')).toMatchObject({ status: 'pending', assignee_id: null });
    expect((await pressAt(homePress(id, 'UAGENT01'))).statusCode).toBe(200);
    await eventually('accepted from home', async () => (await ticketOf('5511977770004')).status === 'open');
  });

  it('checks a form against where it was opened: the transfer form carries its origin', async () => {
    const cardTs = await h.customerWrites('5511977770005', 'Lara', 'oi');
    const { id } = await ticketOf('5511977770005');
    const opened = h.slack.callsTo('views.open').length;
    await pressAt(blockActionsPayload({ actionId: 'ticket.transfer', value: id, userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs }));
    const call = await eventually('the transfer form', () => h.slack.callsTo('views.open')[opened]);
    const view = (typeof call.params.view === 'string' ? JSON.parse(call.params.view) : call.params.view) as { private_metadata: string };
    expect(view.private_metadata).toBe(`${id}|thread:${CHANNEL}:${cardTs}`);
  });
});
