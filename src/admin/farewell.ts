import type { Rich } from '../core/rich-text.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { say, type Locale } from '../i18n/catalog.js';

/** `/ponte farewell <text|off>`: the caller's own farewell (used when they resolve; variables as ever). */
export async function farewellCommand(sql: Sql, ctx: { platform: AgentPlatform; userId: string; locale: Locale }, text: string): Promise<Rich> {
  const value = text.trim();
  if (!value) return say(ctx.locale, 'farewell.usage');
  const off = value.toLowerCase() === 'off';
  await sql`
    INSERT INTO agents (platform, platform_user_id, closing_message) VALUES (${ctx.platform}, ${ctx.userId}, ${off ? null : value})
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET closing_message = EXCLUDED.closing_message`;
  return off ? say(ctx.locale, 'farewell.cleared') : say(ctx.locale, 'farewell.set', { text: value });
}
