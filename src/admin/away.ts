import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { say, type Locale } from '../i18n/catalog.js';

/** `/ponte away on|off`: any agent, about themselves; automatic routing skips agents who are away. */
export async function awayCommand(sql: Sql, ctx: { platform: AgentPlatform; userId: string; locale: Locale }, value: string | undefined): Promise<Rich> {
  const v = value?.toLowerCase();
  if (v !== 'on' && v !== 'off') return say(ctx.locale, 'away.usage');
  await sql`
    INSERT INTO agents (platform, platform_user_id, away) VALUES (${ctx.platform}, ${ctx.userId}, ${v === 'on'})
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET away = EXCLUDED.away`;
  await audit.record(sql, `${ctx.platform}:${ctx.userId}`, 'agent.away', { away: v === 'on' });
  return say(ctx.locale, v === 'on' ? 'away.on' : 'away.off');
}
