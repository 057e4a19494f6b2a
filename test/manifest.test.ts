import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { slackManifest } from '../bridges/slack/manifest.js';

const manifest = JSON.parse(await readFile(new URL('../manifests/slack-app.json', import.meta.url), 'utf8'));
// What `ponte manifest slack` prints: the template plus what the bridge requires.
const printed = JSON.parse(await slackManifest('https://help.acme.com.br', false));

describe('Slack app manifest', () => {
  // Every Web API method Ponte calls, and the bot scope Slack requires for it.
  it.each([
    ['chat.postMessage', 'chat:write'],
    ['chat.update', 'chat:write'],
    ['chat.postMessage with username (customer name on mirrored messages)', 'chat:write.customize'],
    ['reactions.add', 'reactions:write'],
    ['reactions.remove', 'reactions:write'],
    ['users.info', 'users:read'],
    ['slash commands', 'commands'],
    ['message events in public channels', 'channels:history'],
    ['message events in private channels', 'groups:history'],
    ['files.getUploadURLExternal / files.completeUploadExternal', 'files:write'],
    ['downloading url_private_download, files.info', 'files:read'],
    ['reaction_added / reaction_removed events', 'reactions:read'],
  ])('grants the scope for %s', (_what, scope) => {
    expect(printed.oauth_config.scopes.bot).toContain(scope);
  });

  it('subscribes to agents\' reactions, and adds nothing twice to the template', () => {
    expect(printed.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['reaction_added', 'reaction_removed']));
    for (const list of [printed.oauth_config.scopes.bot, printed.settings.event_subscriptions.bot_events]) expect(new Set(list).size).toBe(list.length);
    expect(printed.oauth_config.scopes.bot.slice(0, manifest.oauth_config.scopes.bot.length)).toEqual(manifest.oauth_config.scopes.bot);
  });

  it('subscribes to thread messages and the home tab, and points every URL at /slack/events', async () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['message.channels', 'message.groups', 'app_home_opened']));
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    const filled = JSON.parse(await slackManifest('https://help.acme.com.br/', false));
    expect(filled.settings.event_subscriptions.request_url).toBe('https://help.acme.com.br/slack/events');
    expect(filled.settings.interactivity.request_url).toBe('https://help.acme.com.br/slack/events');
    expect(filled.features.slash_commands[0].url).toBe('https://help.acme.com.br/slack/events');
    expect(JSON.stringify(filled)).not.toContain('example.com');
  });

  it('has /ponte escape channels, so `connect … #channel` arrives with the channel id', () => {
    const ponte = manifest.features.slash_commands.find((c: { command: string }) => c.command === '/ponte');
    expect(ponte.should_escape).toBe(true);
  });

  it('declares the "Ticket actions" message shortcut the bridge answers', () => {
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: 'ponte.ticket_actions' })]);
  });

  it('turns Socket Mode on when asked', async () => {
    expect(JSON.parse(await slackManifest('https://x.test', true)).settings.socket_mode_enabled).toBe(true);
  });
});
