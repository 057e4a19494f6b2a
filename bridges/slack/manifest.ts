import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SLACK_MANIFEST = fileURLToPath(new URL('../../manifests/slack-app.json', import.meta.url));
const PLACEHOLDER = 'https://ponte.example.com';

/**
 * What the files and reactions features need, on top of the template: files:write for
 * files.getUploadURLExternal/completeUploadExternal, files:read to download agents'
 * url_private_download (and files.info), reactions:read for the reaction events. The template
 * file lists them too; the union keeps a hand-edited template from losing them.
 */
export const SLACK_REQUIRED_SCOPES = ['files:read', 'files:write', 'reactions:read'] as const;
export const SLACK_REQUIRED_EVENTS = ['reaction_added', 'reaction_removed'] as const;

interface SlackManifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; event_subscriptions: { bot_events: string[] } };
}

/**
 * The Slack app manifest with PUBLIC_URL in place of the placeholder, ready to paste into
 * "Create New App → From an app manifest". With Socket Mode, request URLs are not needed.
 */
export async function slackManifest(publicUrl: string, socketMode: boolean): Promise<string> {
  const manifest = JSON.parse((await readFile(SLACK_MANIFEST, 'utf8')).replaceAll(PLACEHOLDER, publicUrl.replace(/\/$/, ''))) as SlackManifest;
  manifest.settings.socket_mode_enabled = socketMode;
  manifest.oauth_config.scopes.bot = union(manifest.oauth_config.scopes.bot, SLACK_REQUIRED_SCOPES);
  manifest.settings.event_subscriptions.bot_events = union(manifest.settings.event_subscriptions.bot_events, SLACK_REQUIRED_EVENTS);
  return JSON.stringify(manifest, null, 2);
}

function union(have: string[], need: readonly string[]): string[] {
  return [...have, ...need.filter((x) => !have.includes(x))];
}
