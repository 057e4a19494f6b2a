import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../src/logger.js';
import { handleSlackDelivery, type SlackDelivery, type SlackHandlerDeps } from './handler.js';

/**
 * Socket Mode (SLACK_APP_TOKEN set): Slack pushes the same payloads over a WebSocket, so no
 * public URL is needed. Each envelope goes through the same handler as HTTP and is acked
 * with the handler's answer once it is durably recorded.
 */
export async function startSocketMode(deps: SlackHandlerDeps, opts: { appToken: string; apiUrl: string; log: Logger }): Promise<{ stop(): Promise<void> }> {
  const client = new SocketModeClient({ appToken: opts.appToken, clientOptions: { slackApiUrl: opts.apiUrl } });
  client.on('slack_event', async ({ ack, type, body }: { ack: (r?: unknown) => Promise<void>; type: string; body: unknown }) => {
    const delivery = toDelivery(type, body);
    try {
      const answer = delivery ? await handleSlackDelivery(deps, delivery) : undefined;
      await ack(answer);
    } catch (err) {
      // No ack: Slack redelivers, and the event_id dedupe makes that harmless.
      opts.log.error({ err, type }, 'socket mode delivery failed');
    }
  });
  await client.start();
  opts.log.info('slack: connected over Socket Mode');
  return {
    async stop() {
      await client.disconnect();
    },
  };
}

function toDelivery(type: string, body: unknown): SlackDelivery | undefined {
  const raw = JSON.stringify(body ?? null);
  if (type === 'events_api') return { type: 'events', body, raw };
  if (type === 'slash_commands') return { type: 'command', body: body as Record<string, string>, raw };
  if (type === 'interactive') return { type: 'interaction', body, raw };
  return undefined;
}
