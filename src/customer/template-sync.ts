import { code, joinRich, rich, type Rich } from '../core/rich-text.js';
import type { AgentPlatform } from '../core/events.js';
import { DeliveryError } from '../core/errors.js';
import { replaceTemplates } from '../templates/repository.js';
import { say } from '../i18n/catalog.js';
import { customerSide } from './sends.js';
import { NOTHING, bridgeFor, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';

interface ConnectionRow {
  account_id: string;
  business_account_id: string | null;
  token_encrypted: string | null;
}

/**
 * `/ponte templates sync`: pulls the approved templates of every WhatsApp connection's
 * business account and reports, per number, in the channel where it was asked. It runs in
 * the worker (a slash command must answer within 3 seconds; paging through templates may not).
 */
export async function syncTemplates(deps: OperationDeps, platform: AgentPlatform, destination: string): Promise<Effect> {
  const connections = await deps.sql<ConnectionRow[]>`
    SELECT account_id, business_account_id, token_encrypted FROM connections WHERE channel = 'whatsapp' ORDER BY id`;
  const lines: Rich[] = [];
  for (const c of connections) {
    if (!c.business_account_id) {
      lines.push(say(deps.locale, 'templates.no_waba', { account: c.account_id }));
      continue;
    }
    const { channel, auth } = customerSide(deps, { channel: 'whatsapp', accountId: c.account_id, tokenEncrypted: c.token_encrypted });
    if (!channel.listTemplates) continue;
    try {
      const templates = await channel.listTemplates({ businessAccountId: c.business_account_id, token: auth.token });
      await replaceTemplates(deps.sql, c.business_account_id, templates);
      const names = joinRich(templates.map((tpl) => rich(code(tpl.name), ` (${tpl.language}, ${tpl.category})`)), ', ');
      lines.push(say(deps.locale, 'templates.synced', { account: c.account_id, count: templates.length, names: names.length ? names : '—' }));
    } catch (err) {
      // Try later on trouble; anything else is reported for this number and the others go on.
      if (err instanceof DeliveryError && err.retryable) throw err;
      lines.push(say(deps.locale, 'templates.sync_failed', { account: c.account_id, reason: err instanceof Error ? err.message : String(err) }));
    }
  }
  if (lines.length === 0) lines.push(say(deps.locale, 'templates.no_connections'));
  await bridgeFor(deps, platform).announce({ destination, text: joinRich(lines, '\n') });
  return NOTHING;
}
