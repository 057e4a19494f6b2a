import type { InboxPort } from '../../src/core/inbound-record.js';
import type { CommandContext } from '../../src/admin/commands.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { parseEventCallback, parseInteraction, tokenizeCommand } from './inbound.js';
import { slackToPlain } from './mrkdwn.js';
import { slashCommand, urlVerification } from './schema.js';

export interface SlackHandlerDeps {
  inbox: InboxPort;
  locale: Locale;
  runCommand(ctx: CommandContext, tokens: CommandToken[]): Promise<string>;
  /** Our bot's user id (from auth.test), a second guard against our own posts. */
  botUserId?: () => string | undefined;
}

/** One Slack delivery, whichever way it came (HTTP or Socket Mode). */
export type SlackDelivery =
  | { type: 'events'; body: unknown; raw: string }
  | { type: 'command'; body: Record<string, string>; raw: string }
  | { type: 'interaction'; body: unknown; raw: string };

/** What to acknowledge with: the HTTP response body or the Socket Mode ack payload. */
export type SlackAck = Record<string, unknown> | undefined;

/**
 * Handles a verified Slack delivery and returns the acknowledgement. Events are recorded
 * (durably, deduped by event_id) and processed by the worker, so the ack is fast and a
 * Slack retry is harmless. Slash commands only touch the database and answer in the ack,
 * well within Slack's 3 seconds.
 */
export async function handleSlackDelivery(deps: SlackHandlerDeps, d: SlackDelivery): Promise<SlackAck> {
  switch (d.type) {
    case 'events': {
      const challenge = urlVerification.safeParse(d.body);
      if (challenge.success) return { challenge: challenge.data.challenge };
      const parsed = parseEventCallback(d.body, deps.botUserId?.());
      if ('error' in parsed) await deps.inbox.reject('slack', parsed.error, d.raw);
      else if ('record' in parsed) await deps.inbox.accept('slack', [parsed.record]);
      else await deps.inbox.accept('slack', [], [parsed.ignored]);
      return undefined;
    }
    case 'command': {
      const cmd = slashCommand.safeParse(d.body);
      if (!cmd.success) {
        await deps.inbox.reject('slack', 'invalid slash command payload', d.raw);
        return undefined;
      }
      const ctx: CommandContext = {
        platform: 'slack',
        userId: cmd.data.user_id,
        channelId: cmd.data.channel_id,
        locale: deps.locale,
        text: slackToPlain(cmd.data.text),
      };
      const text = await deps.runCommand(ctx, tokenizeCommand(cmd.data.text));
      return { response_type: 'ephemeral', text };
    }
    case 'interaction': {
      // Recorded durably and acted on by the worker; the click is acknowledged at once.
      const parsed = parseInteraction(d.body);
      if ('error' in parsed) await deps.inbox.reject('slack', parsed.error, d.raw);
      else if ('record' in parsed) await deps.inbox.accept('slack', [parsed.record]);
      else await deps.inbox.accept('slack', [], [parsed.ignored]);
      return undefined;
    }
  }
}
