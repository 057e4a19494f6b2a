import { describe, expect, it } from 'vitest';
import { foreignReason, originOf } from '../../bridges/slack/origin.js';
import { SlackNotReady, handleSlackRequest, type SlackHandlerDeps } from '../../bridges/slack/handler.js';
import { blockActionsPayload, slackMessageEvent, viewSubmissionPayload } from '../fixtures/slack.js';

const us = { teamId: 'T0001', appId: 'A0PONTE001' };

describe('where a Slack delivery comes from', () => {
  it('reads team and app from events, commands and interactions', () => {
    const ev = slackMessageEvent({ channel: 'C1', user: 'U1', text: 'x', ts: '1.1' });
    expect(originOf({ type: 'events', body: ev })).toEqual({ teamId: 'T0001', appId: 'A0PONTE001' });
    expect(originOf({ type: 'command', body: { team_id: 'T2', api_app_id: 'A2' } })).toEqual({ teamId: 'T2', appId: 'A2' });
    const press = blockActionsPayload({ actionId: 'a', userId: 'U1', channelId: 'C1', messageTs: '1.1', teamId: 'T3' });
    expect(originOf({ type: 'interaction', body: press })).toEqual({ teamId: 'T3', appId: 'A0PONTE001' });
    const submit = viewSubmissionPayload({ callbackId: 'x', userId: 'U1', values: {}, teamId: 'T4' });
    expect(originOf({ type: 'interaction', body: submit }).teamId).toBe('T4');
  });

  it('is foreign when the team is missing or another, or the app is another', () => {
    expect(foreignReason({ teamId: 'T0001', appId: 'A0PONTE001' }, us)).toBeUndefined();
    expect(foreignReason({ teamId: 'T0001' }, us)).toBeUndefined(); // older slash commands name no app
    expect(foreignReason({}, us)).toBe('foreign_team:none');
    expect(foreignReason({ teamId: 'T9' }, us)).toBe('foreign_team:T9');
    expect(foreignReason({ teamId: 'T0001', appId: 'A9' }, us)).toBe('foreign_app:A9');
    expect(foreignReason({ teamId: 'T0001', appId: 'A9' }, { teamId: 'T0001' })).toBeUndefined(); // app unknown: team only
  });
});

describe('before the workspace is known (auth.test not answered)', () => {
  const recorded: unknown[] = [];
  const deps: SlackHandlerDeps = {
    inbox: { accept: async (...a) => { recorded.push(a); return { fresh: 0, duplicates: 0 }; }, reject: async (...a) => void recorded.push(a) },
    locale: 'pt-BR',
    identity: { ready: async () => undefined },
    runCommand: () => Promise.reject(new Error('must not run')),
  };

  it('answers a slash command in words and runs nothing', async () => {
    const res = await handleSlackRequest(deps, { type: 'command', body: { command: '/ponte', text: 'status', user_id: 'U1', channel_id: 'C1', team_id: 'T0001' }, raw: '' });
    expect(res.outcome).toBe('not_ready');
    expect(res.ack).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/ainda está iniciando/) });
  });

  it('refuses events and interactions (HTTP answers 503, Socket Mode does not ack) and records nothing', async () => {
    const ev = slackMessageEvent({ channel: 'C1', user: 'U1', text: 'x', ts: '1.1', threadTs: '1.0' });
    await expect(handleSlackRequest(deps, { type: 'events', body: ev, raw: '' })).rejects.toBeInstanceOf(SlackNotReady);
    const press = blockActionsPayload({ actionId: 'ticket.accept', value: '1', userId: 'U1', channelId: 'C1', messageTs: '1.1' });
    await expect(handleSlackRequest(deps, { type: 'interaction', body: press, raw: '' })).rejects.toBeInstanceOf(SlackNotReady);
    expect(recorded).toEqual([]);
  });
});
