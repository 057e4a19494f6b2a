import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { getSignaturePolicy, setSignatureSetting } from '../settings/repository.js';
import { say, type Locale } from '../i18n/catalog.js';

interface Ctx {
  platform: AgentPlatform;
  userId: string;
  locale: Locale;
}

/**
 * `/ponte signature on|off` (your own replies), and for admins `signature format <template>`
 * (with {name}, optionally {text}; `default` restores the channel's) and `signature lock on|off`
 * (locked: every reply is signed).
 */
export async function signatureCommand(sql: Sql, ctx: Ctx, text: string, isAdmin: () => Promise<boolean>): Promise<Rich> {
  const [, verb = '', rest = ''] = /^\s*(\S+)?\s*([\s\S]*)$/.exec(text) ?? [];
  const actor = `${ctx.platform}:${ctx.userId}`;
  const v = verb.toLowerCase();
  if (v === 'on' || v === 'off') {
    const policy = await getSignaturePolicy(sql);
    if (v === 'off' && policy.locked) return say(ctx.locale, 'signature.locked');
    await sql`
      INSERT INTO agents (platform, platform_user_id, signature_enabled) VALUES (${ctx.platform}, ${ctx.userId}, ${v === 'on'})
      ON CONFLICT (platform, platform_user_id) DO UPDATE SET signature_enabled = EXCLUDED.signature_enabled`;
    return say(ctx.locale, v === 'on' ? 'signature.on' : 'signature.off');
  }
  if (v !== 'format' && v !== 'lock') return say(ctx.locale, 'signature.usage');
  if (!(await isAdmin())) return say(ctx.locale, 'admin.refused');
  const value = rest.trim();
  if (v === 'lock') {
    if (value !== 'on' && value !== 'off') return say(ctx.locale, 'signature.usage');
    await setSignatureSetting(sql, 'signature.lock', { on: value === 'on' }, actor);
    await audit.record(sql, actor, 'signature.lock', { on: value === 'on' });
    return say(ctx.locale, value === 'on' ? 'signature.lock_on' : 'signature.lock_off');
  }
  if (!value) return say(ctx.locale, 'signature.usage');
  if (value.toLowerCase() === 'default') {
    await setSignatureSetting(sql, 'signature.format', null, actor);
    return say(ctx.locale, 'signature.format_default');
  }
  if (!value.includes('{name}')) return say(ctx.locale, 'signature.needs_name');
  await setSignatureSetting(sql, 'signature.format', { text: value }, actor);
  await audit.record(sql, actor, 'signature.format', { format: value });
  return say(ctx.locale, 'signature.format_set', { format: value });
}
