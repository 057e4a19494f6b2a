import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { say, type Locale } from '../i18n/catalog.js';

/**
 * `/ponte retry`: after fixing what made deliveries to the agent side fail (the bot was not in
 * the channel, a token was revoked), re-queue them. Rows run again in their lane's order; the
 * ones still waiting behind them are woken now rather than at their backoff time. Customer
 * sends are not retried here: a failed one was explained in its thread, and resending is the
 * agent's call.
 */
export async function retryCommand(sql: Sql, locale: Locale, actor: string, kick: (lanes: string[]) => Promise<void>): Promise<Rich> {
  const lanes = await sql.begin(async (tx) => {
    const failed = await tx<{ lane: string }[]>`
      UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, done_at = NULL
      WHERE state = 'failed' AND lane LIKE 't%-agent' RETURNING lane`;
    const unique = [...new Set(failed.map((r) => r.lane))];
    if (unique.length) await tx`UPDATE outbox SET next_attempt_at = now() WHERE state = 'pending' AND lane = ANY(${unique})`;
    // A refused token (alerted_at set) is not Slack's trouble: it heals with a send that works
    // or a new token, not here.
    await tx`UPDATE connections SET healthy = true, health_reason = NULL, health_kind = NULL, updated_at = now() WHERE NOT healthy AND alerted_at IS NULL`;
    await audit.record(tx, actor, 'retry', { rows: failed.length, lanes: unique.length });
    return { rows: failed.length, lanes: unique };
  });
  await kick(lanes.lanes);
  return say(locale, 'retry.done', { rows: lanes.rows, tickets: lanes.lanes.length });
}
