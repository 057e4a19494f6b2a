import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../src/logger.js';

/**
 * Routes the Slack SDKs' own log lines into our pino logger (JSON, redacted) instead of the
 * console. Their debug output prints raw socket payloads (customers' and agents' words), so
 * it is never enabled: the level is pinned at INFO and debug lines are dropped.
 */
export function slackSdkLogger(log: Logger, component: string): SlackLogger {
  const child = log.child({ component });
  const line = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  return {
    debug: () => {},
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
