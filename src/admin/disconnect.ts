import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { ChannelKind } from '../core/events.js';
import type { Sql } from '../db/connect.js';
import { disconnectConnection, findConnection } from '../connections/repository.js';
import { say, t } from '../i18n/catalog.js';
import type { CommandContext } from './context.js';
import type { CommandToken } from './tokens.js';

const CONNECTABLE: readonly ChannelKind[] = ['whatsapp', 'messenger', 'instagram'];

/**
 * `/ponte disconnect <whatsapp|messenger|instagram> <account id>` (admins): the account stops
 * opening tickets. Its later messages are recorded as from an unknown account (`/ponte status`
 * lists them), as for an account that was never connected. Open tickets stay workable: agents'
 * replies still go out with the account's token, because Meta still takes them and a half-finished
 * conversation deserves its last answer; the customer's answers to them are not mirrored.
 * `/ponte connect` with the same account restores it.
 */
export async function disconnectCommand(sql: Sql, ctx: CommandContext, args: CommandToken[]): Promise<Rich> {
  const [kindWord, account] = args.filter((a) => a.type === 'word').map((a) => a.value);
  const kind = kindWord?.toLowerCase();
  if (!kind || !account) return say(ctx.locale, 'disconnect.usage');
  if (!CONNECTABLE.includes(kind as ChannelKind)) return say(ctx.locale, 'connect.bad_kind', { kind });
  const name = t(ctx.locale, `channel.${kind as ChannelKind}`);
  const actor = `${ctx.platform}:${ctx.userId}`;
  return sql.begin(async (tx) => {
    const done = await disconnectConnection(tx, kind as ChannelKind, account, actor);
    if (!done) {
      const existing = await findConnection(tx, kind as ChannelKind, account);
      return say(ctx.locale, existing ? 'disconnect.already' : 'disconnect.unknown', { name, account });
    }
    const [open] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM tickets WHERE connection_id = ${done.id} AND status <> 'resolved'`;
    await audit.record(tx, actor, 'disconnect', { channel: kind, accountId: account, openTickets: open?.n ?? 0 });
    return say(ctx.locale, 'disconnect.done', { name, account, open: open?.n ?? 0 });
  });
}
