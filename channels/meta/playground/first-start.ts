import type { Sql } from '../../../src/db/connect.js';
import type { Logger } from '../../../src/logger.js';
import type { CustomerChannel } from '../../../src/core/ports.js';
import { findConnection, upsertConnection } from '../../../src/connections/repository.js';
import { replaceTemplates } from '../../../src/templates/repository.js';
import { PLAYGROUND_NUMBER } from './business.js';
import type { PlaygroundInfo } from './routes.js';

export interface FirstStartDeps {
  sql: Sql;
  log: Logger;
  whatsapp: CustomerChannel;
  /** Slack is on: the channel to use (PONTE_PLAYGROUND_CHANNEL), else a way to find one. */
  slack?: { channel?: string; firstChannel: () => Promise<string | undefined> };
}

const NO_SLACK = 'Agents answer from Slack: set SLACK_APP_TOKEN and SLACK_BOT_TOKEN (Socket Mode) and start the playground again. Until then Ponte receives your messages, but no team sees them.';
const NO_CHANNEL = `Invite the Ponte bot to a Slack channel and set PONTE_PLAYGROUND_CHANNEL to its id (or type /ponte connect whatsapp ${PLAYGROUND_NUMBER.phoneNumberId} in that channel).`;

/**
 * Makes the playground usable with no setup: its WhatsApp number is connected to a Slack
 * channel (PONTE_PLAYGROUND_CHANNEL, else the first channel the bot is in) unless it already
 * is (a connection someone moved stays where they put it), and the emulator's templates are
 * synced through the real Graph client. Trouble is reported, never fatal: the page says what
 * is missing.
 */
export async function prepareFirstStart(deps: FirstStartDeps): Promise<PlaygroundInfo['agents']> {
  const agents = await connectNumber(deps);
  try {
    const templates = await deps.whatsapp.listTemplates!({ businessAccountId: PLAYGROUND_NUMBER.wabaId, token: undefined });
    await replaceTemplates(deps.sql, PLAYGROUND_NUMBER.wabaId, templates);
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'playground: could not sync the emulator\'s templates');
  }
  if (agents.hint) deps.log.warn(`playground: ${agents.hint}`);
  return agents;
}

async function connectNumber(deps: FirstStartDeps): Promise<PlaygroundInfo['agents']> {
  const existing = await findConnection(deps.sql, 'whatsapp', PLAYGROUND_NUMBER.phoneNumberId);
  if (!deps.slack) return { slack: false, channel: existing?.agent_destination, hint: NO_SLACK };
  if (existing) return { slack: true, channel: existing.agent_destination };
  let channel = deps.slack.channel;
  if (!channel) {
    channel = await deps.slack.firstChannel().catch((err: unknown) => {
      deps.log.warn({ err: (err as Error).message }, 'playground: could not list the bot\'s Slack channels');
      return undefined;
    });
  }
  if (!channel) return { slack: true, hint: NO_CHANNEL };
  await deps.sql.begin(async (tx) => {
    const { connection } = await upsertConnection(tx, { channel: 'whatsapp', accountId: PLAYGROUND_NUMBER.phoneNumberId, platform: 'slack', destination: channel, createdBy: 'playground' });
    await tx`UPDATE connections SET business_account_id = ${PLAYGROUND_NUMBER.wabaId} WHERE id = ${connection.id}`;
    await tx`INSERT INTO audit_log (actor, action, details)
      VALUES ('playground', 'connect', ${tx.json({ channel: 'whatsapp', accountId: PLAYGROUND_NUMBER.phoneNumberId, destination: channel })})`;
  });
  deps.log.info(`playground: WhatsApp number ${PLAYGROUND_NUMBER.phoneNumberId} connected to Slack channel ${channel}`);
  return { slack: true, channel };
}
