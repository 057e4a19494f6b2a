import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../src/logger.js';
import { SlackNotReady, handleSlackDelivery, type SlackDelivery, type SlackHandlerDeps } from './handler.js';
import { slackSdkLogger } from './sdk-logger.js';
import { cleanJson } from '../../src/http/clean-text.js';

/** The SDK retries a refused connection forever; boot must fail instead, and say why. */
const START_TIMEOUT_MS = 30_000;

/**
 * Socket Mode (SLACK_APP_TOKEN set): Slack pushes the same payloads over a WebSocket, so no
 * public URL is needed. Each envelope goes through the same handler as HTTP and is acked
 * with the handler's answer once it is durably recorded.
 */
export async function startSocketMode(
  deps: SlackHandlerDeps,
  opts: { appToken: string; apiUrl: string; log: Logger; startTimeoutMs?: number },
): Promise<{ stop(): Promise<void> }> {
  const client = new SocketModeClient({
    appToken: opts.appToken,
    clientOptions: { slackApiUrl: opts.apiUrl },
    logger: slackSdkLogger(opts.log, 'slack-socket-mode'),
  });
  client.on('slack_event', async ({ ack, type, body }: { ack: (r?: unknown) => Promise<void>; type: string; body: unknown }) => {
    const delivery = toDelivery(type, body);
    try {
      const answer = delivery ? await handleSlackDelivery(deps, delivery) : undefined;
      await ack(answer);
    } catch (err) {
      // No ack: Slack redelivers, and the event_id dedupe makes that harmless.
      if (err instanceof SlackNotReady) opts.log.warn({ type }, err.message);
      else opts.log.error({ err, type }, 'socket mode delivery failed');
    }
  });
  await startWithin(client, opts.startTimeoutMs ?? START_TIMEOUT_MS);
  opts.log.info('slack: connected over Socket Mode');
  return {
    async stop() {
      await client.disconnect();
    },
  };
}

/** Socket Mode's payload as a delivery, its text cleaned like the HTTP path's. */
function toDelivery(type: string, payload: unknown): SlackDelivery | undefined {
  const raw = JSON.stringify(payload ?? null);
  const body = cleanJson(payload);
  if (type === 'events_api') return { type: 'events', body, raw };
  if (type === 'slash_commands') return { type: 'command', body: body as Record<string, string>, raw };
  if (type === 'interactive') return { type: 'interaction', body, raw };
  return undefined;
}

async function startWithin(client: SocketModeClient, ms: number): Promise<void> {
  const hint = 'check SLACK_APP_TOKEN (an app-level xapp- token with connections:write) and SLACK_API_URL';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not connect within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([client.start(), timeout]);
  } catch (err) {
    await client.disconnect().catch(() => {});
    throw new Error(`Slack Socket Mode could not connect (${(err as Error).message}): ${hint}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
