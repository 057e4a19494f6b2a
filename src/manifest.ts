import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SLACK_MANIFEST = fileURLToPath(new URL('../manifests/slack-app.json', import.meta.url));
const PLACEHOLDER = 'https://ponte.example.com';

/**
 * The Slack app manifest with PUBLIC_URL in place of the placeholder, ready to paste into
 * "Create New App → From an app manifest". With Socket Mode, request URLs are not needed.
 */
export async function slackManifest(publicUrl: string, socketMode: boolean): Promise<string> {
  const manifest = JSON.parse((await readFile(SLACK_MANIFEST, 'utf8')).replaceAll(PLACEHOLDER, publicUrl.replace(/\/$/, ''))) as {
    settings: { socket_mode_enabled: boolean };
  };
  manifest.settings.socket_mode_enabled = socketMode;
  return JSON.stringify(manifest, null, 2);
}
