import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../src/logger.js';
import { within } from '../../src/time-limit.js';

/** This deployment's place in Slack: the workspace and app every request must come from. */
export interface SlackIdentity {
  teamId: string;
  /** Unknown when bots.info could not be read: then only the team is compared. */
  appId?: string;
  botUserId?: string;
}

export interface SlackIdentitySource {
  current(): SlackIdentity | undefined;
  /** The identity, waiting up to `ms` for it while auth.test has not answered yet. */
  ready(ms: number): Promise<SlackIdentity | undefined>;
  stop(): void;
}

const RETRY_MS = [1_000, 5_000, 15_000, 60_000];

/**
 * Learns the identity from Slack itself, so nothing has to be configured: `auth.test` gives the
 * team and the bot, `bots.info` the bot's app. auth.test is retried until it answers (until
 * then, requests are refused: fail closed); a failing bots.info (no users:read scope) leaves
 * the app unchecked, with a warning.
 */
export function loadSlackIdentity(client: WebClient, log: Logger): SlackIdentitySource {
  let identity: SlackIdentity | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveReady!: (id: SlackIdentity) => void;
  const known = new Promise<SlackIdentity>((r) => (resolveReady = r));

  const attempt = async (n: number): Promise<void> => {
    if (stopped) return;
    try {
      const auth = await client.auth.test();
      if (!auth.team_id) throw new Error('auth.test answered without a team_id');
      let appId: string | undefined;
      if (auth.bot_id) {
        appId = await client.bots.info({ bot: auth.bot_id }).then(
          (r) => r.bot?.app_id,
          (err: unknown) => void log.warn({ err: (err as Error).message }, 'slack: bots.info failed; requests are checked against the workspace only'),
        );
      }
      identity = { teamId: auth.team_id, appId, botUserId: auth.user_id };
      log.info({ teamId: identity.teamId, appId }, 'Slack requests are accepted from this workspace and app only');
      resolveReady(identity);
    } catch (err) {
      const wait = RETRY_MS[Math.min(n, RETRY_MS.length - 1)]!;
      log.warn({ err: (err as Error).message, retryInMs: wait }, 'slack: auth.test failed; Slack requests are refused until it answers');
      if (!stopped) timer = setTimeout(() => void attempt(n + 1), wait).unref();
    }
  };
  void attempt(0);

  return {
    current: () => identity,
    async ready(ms) {
      if (identity) return identity;
      return within(known, ms, 'auth.test').catch(() => undefined);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
