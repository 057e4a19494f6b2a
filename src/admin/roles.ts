import { joinRich, mention, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { say, type Locale } from '../i18n/catalog.js';
import type { CommandToken } from './tokens.js';

/** `/ponte admin add|remove @user` and `/ponte admin list`: granted admins (beside PONTE_ADMINS and workspace admins). */
export async function adminCommand(sql: Sql, ctx: { platform: AgentPlatform; userId: string; locale: Locale }, args: CommandToken[]): Promise<Rich> {
  const verb = args[0]?.type === 'word' ? args[0].value.toLowerCase() : 'list';
  if (verb === 'list') {
    const rows = await sql<{ platform_user_id: string }[]>`
      SELECT platform_user_id FROM agents WHERE platform = ${ctx.platform} AND role = 'admin' ORDER BY platform_user_id`;
    return rows.length ? say(ctx.locale, 'roles.list', { users: joinRich(rows.map((r) => mention(r.platform_user_id)), ', ') }) : say(ctx.locale, 'roles.none');
  }
  const target = args[1];
  if ((verb !== 'add' && verb !== 'remove') || target?.type !== 'user') return say(ctx.locale, 'roles.usage');
  if (verb === 'remove' && target.id === ctx.userId) return say(ctx.locale, 'roles.not_self');
  await sql`
    INSERT INTO agents (platform, platform_user_id, role) VALUES (${ctx.platform}, ${target.id}, ${verb === 'add' ? 'admin' : 'agent'})
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET role = EXCLUDED.role`;
  await audit.record(sql, `${ctx.platform}:${ctx.userId}`, `admin.${verb}`, { user: target.id });
  return say(ctx.locale, verb === 'add' ? 'roles.added' : 'roles.removed', { user: mention(target.id) });
}

/** `/ponte mode explicit|open`: in explicit mode plain thread chat stays internal and `!r <text>` replies. */
export async function modeCommand(sql: Sql, locale: Locale, actor: string, args: CommandToken[]): Promise<Rich> {
  const word = args[0]?.type === 'word' ? args[0].value.toLowerCase() : '';
  if (!word) {
    const [row] = await sql<{ value: { explicit?: boolean } }[]>`SELECT value FROM settings WHERE key = 'reply.mode'`;
    return say(locale, row?.value.explicit ? 'mode.explicit' : 'mode.open');
  }
  if (word !== 'explicit' && word !== 'open') return say(locale, 'mode.usage');
  await sql`
    INSERT INTO settings (key, value, updated_by) VALUES ('reply.mode', ${sql.json({ explicit: word === 'explicit' })}, ${actor})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
  await audit.record(sql, actor, 'mode', { mode: word });
  return say(locale, word === 'explicit' ? 'mode.explicit' : 'mode.open');
}
