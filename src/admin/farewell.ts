import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { t, type Locale } from '../i18n/catalog.js';

/** `/ponte farewell <text|off>`: the caller's own farewell (used when they resolve; variables as ever). */
export async function farewellCommand(sql: Sql, ctx: { platform: AgentPlatform; userId: string; locale: Locale }, text: string): Promise<string> {
  const value = text.trim();
  if (!value) return t(ctx.locale, 'farewell.usage');
  const off = value.toLowerCase() === 'off';
  await sql`
    INSERT INTO agents (platform, platform_user_id, closing_message) VALUES (${ctx.platform}, ${ctx.userId}, ${off ? null : value})
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET closing_message = EXCLUDED.closing_message`;
  return off ? t(ctx.locale, 'farewell.cleared') : t(ctx.locale, 'farewell.set', { text: value });
}
