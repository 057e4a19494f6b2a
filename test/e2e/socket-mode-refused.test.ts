import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startFakeSlackSocket, type FakeSlackSocket } from '../fakes/slack-socket.js';
import { startSocketMode } from '../../bridges/slack/socket-mode.js';
import { loadConfig } from '../../src/main.js';
import { ConfigError } from '../../src/config.js';
import { freePort } from '../../src/local/index.js';

let socket: FakeSlackSocket;
beforeAll(async () => {
  socket = await startFakeSlackSocket({ appToken: 'xapp-1-the-right-one' });
});
afterAll(async () => socket?.close());

describe('a Socket Mode token Slack refuses', () => {
  it('fails boot with a message naming SLACK_APP_TOKEN instead of retrying forever', async () => {
    const deps = { inbox: { accept: async () => ({ fresh: 0, duplicates: 0 }), reject: async () => {} }, locale: 'en' as const, runCommand: async () => [] };
    const started = startSocketMode(deps, { appToken: 'xapp-1-a-revoked-one', apiUrl: socket.url, log: pino({ level: 'silent' }), startTimeoutMs: 1500 });
    await expect(started).rejects.toThrow(/invalid_auth.*SLACK_APP_TOKEN/);
    expect(socket.connectionsOpened.every((c) => !c.ok)).toBe(true);
  });

  it('gives up after the start timeout when Slack cannot be reached (the SDK alone would retry forever)', async () => {
    const deps = { inbox: { accept: async () => ({ fresh: 0, duplicates: 0 }), reject: async () => {} }, locale: 'en' as const, runCommand: async () => [] };
    const nowhere = `http://127.0.0.1:${await freePort()}/api/`;
    const started = startSocketMode(deps, { appToken: 'xapp-1-whatever', apiUrl: nowhere, log: pino({ level: 'silent' }), startTimeoutMs: 1500 });
    await expect(started).rejects.toThrow(/did not connect within 1.5 s.*SLACK_APP_TOKEN/);
  });

  it('is refused at boot when it is not an app-level token at all', () => {
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xoxb-a-bot-token' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xoxb-a-bot-token' })).toThrow(/SLACK_APP_TOKEN: must be an app-level token/);
  });
});
