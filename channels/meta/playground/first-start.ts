import * as audit from '../../../src/audit/repository.js';
import type { Sql } from '../../../src/db/connect.js';
import type { Logger } from '../../../src/logger.js';
import type { CustomerChannel } from '../../../src/core/ports.js';
import { findConnection, upsertConnection } from '../../../src/connections/repository.js';
import { replaceTemplates } from '../../../src/templates/repository.js';
import { ACCOUNT_OF, PLAYGROUND_CHANNELS, PLAYGROUND_NUMBER } from './business.js';
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
 * Makes the playground usable with no setup: its WhatsApp number, Facebook Page and Instagram
 * account are connected to a Slack channel (PONTE_PLAYGROUND_CHANNEL, else the first channel
 * the bot is in) unless they already are (a connection someone moved stays where they put it;
 * one not yet made follows the WhatsApp number's), and the emulator's templates are synced
 * through the real Graph client. Trouble is reported, never fatal: the page says what is missing.
 */
export async function prepareFirstStart(deps: FirstStartDeps): Promise<PlaygroundInfo['agents']> {
  const agents = await connectAccounts(deps);
  try {
    const templates = await deps.whatsapp.listTemplates!({ businessAccountId: PLAYGROUND_NUMBER.wabaId, token: undefined });
    await replaceTemplates(deps.sql, PLAYGROUND_NUMBER.wabaId, templates);
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'playground: could not sync the emulator\'s templates');
  }
  if (agents.hint) deps.log.warn(`playground: ${agents.hint}`);
  return agents;
}

async function connectAccounts(deps: FirstStartDeps): Promise<PlaygroundInfo['agents']> {
  const existing = await Promise.all(PLAYGROUND_CHANNELS.map((c) => findConnection(deps.sql, c, ACCOUNT_OF[c])));
  const known = existing.find(Boolean)?.agent_destination;
  if (!deps.slack) return { slack: false, channel: known, hint: NO_SLACK };
  let channel = known ?? deps.slack.channel;
  if (!channel) {
    channel = await deps.slack.firstChannel().catch((err: unknown) => {
      deps.log.warn({ err: (err as Error).message }, 'playground: could not list the bot\'s Slack channels');
      return undefined;
    });
  }
  if (!channel) return { slack: true, hint: NO_CHANNEL };
  const destination = channel;
  const missing = PLAYGROUND_CHANNELS.filter((_c, i) => !existing[i]);
  if (!missing.length) return { slack: true, channel: existing[0]?.agent_destination ?? destination };
  await deps.sql.begin(async (tx) => {
    for (const kind of missing) {
      const { connection } = await upsertConnection(tx, { channel: kind, accountId: ACCOUNT_OF[kind], platform: 'slack', destination, createdBy: 'playground' });
      if (kind === 'whatsapp') await tx`UPDATE connections SET business_account_id = ${PLAYGROUND_NUMBER.wabaId} WHERE id = ${connection.id}`;
      await audit.record(tx, 'playground', 'connect', { channel: kind, accountId: ACCOUNT_OF[kind], destination });
    }
  });
  deps.log.info(`playground: ${missing.join(', ')} connected to Slack channel ${destination}`);
  return { slack: true, channel: existing[0]?.agent_destination ?? destination };
}
