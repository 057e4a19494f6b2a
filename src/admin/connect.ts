import { channel, joinRich, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { ChannelKind } from '../core/events.js';
import type { SecretBox } from '../crypto/secrets.js';
import type { Sql } from '../db/connect.js';
import { upsertConnection } from '../connections/repository.js';
import { say, t } from '../i18n/catalog.js';
import type { CommandContext } from './context.js';
import type { CommandToken } from './tokens.js';

const CONNECTABLE: readonly ChannelKind[] = ['whatsapp', 'messenger', 'instagram'];

/**
 * `/ponte connect <whatsapp|messenger|instagram> <account id> [#channel] [waba=<id>] [token=<token>]`:
 * the account's tickets open in the channel (default: where the command was typed). A token
 * given here is the connection's own (stored encrypted with PONTE_SECRET_KEY) and wins over
 * the environment's default; `waba=` names the WhatsApp Business Account that holds the
 * number's templates (otherwise learned from the first webhook).
 */
export async function connectCommand(deps: { sql: Sql; secrets?: SecretBox }, ctx: CommandContext, args: CommandToken[]): Promise<Rich> {
  const words = args.filter((a) => a.type === 'word').map((a) => a.value);
  const options = new Map(words.filter((w) => /^(waba|token)=/i.test(w)).map((w) => [w.split('=')[0]!.toLowerCase(), w.slice(w.indexOf('=') + 1)]));
  const [kindWord, account] = words.filter((w) => !/^(waba|token)=/i.test(w));
  const kind = kindWord?.toLowerCase();
  if (!kind || !account) return say(ctx.locale, 'connect.usage');
  if (!CONNECTABLE.includes(kind as ChannelKind)) return say(ctx.locale, 'connect.bad_kind', { kind });
  if (!/^\d{5,20}$/.test(account)) return say(ctx.locale, 'connect.bad_account', { account, channel: kind });
  const waba = options.get('waba');
  if (waba !== undefined && (kind !== 'whatsapp' || !/^\d{5,20}$/.test(waba))) return say(ctx.locale, 'connect.bad_waba');
  const token = options.get('token');
  if (token !== undefined && !deps.secrets) return say(ctx.locale, 'connect.no_secret_key');
  const target = args.find((a) => a.type === 'channel' || a.type === 'unresolved_channel');
  if (target && target.type !== 'channel') return say(ctx.locale, 'connect.bad_channel', { platform: ctx.platformName ?? ctx.platform });
  const destination = target?.type === 'channel' ? target.id : ctx.channelId;

  const { previousDestination } = await deps.sql.begin(async (tx) => {
    const result = await upsertConnection(tx, {
      channel: kind as ChannelKind,
      accountId: account,
      platform: ctx.platform,
      destination,
      createdBy: `${ctx.platform}:${ctx.userId}`,
    });
    if (waba) await tx`UPDATE connections SET business_account_id = ${waba} WHERE id = ${result.connection.id}`;
    // A new token is a fresh start: the previous outage (if any) is over until it fails again.
    if (token) {
      await tx`UPDATE connections SET token_encrypted = ${deps.secrets!.seal(token)}, healthy = true, health_reason = NULL, health_kind = NULL, alerted_at = NULL
        WHERE id = ${result.connection.id}`;
    }
    await audit.record(tx, `${ctx.platform}:${ctx.userId}`, 'connect', { channel: kind, accountId: account, destination, waba: waba ?? null, token: token ? 'set' : null });
    return result;
  });
  const name = t(ctx.locale, `channel.${kind as ChannelKind}`);
  const done = previousDestination
    ? say(ctx.locale, 'connect.moved', { name, account, channel: channel(destination), previous: channel(previousDestination) })
    : say(ctx.locale, 'connect.done', { name, account, channel: channel(destination) });
  return token ? joinRich([done, say(ctx.locale, 'connect.token_saved')], '\n') : done;
}
