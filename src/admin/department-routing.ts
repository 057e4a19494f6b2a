import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { findDepartmentByName } from '../departments/repository.js';
import { ROUTING_RULES, type RoutingRule } from '../tickets/routing.js';
import { say, t, type Locale } from '../i18n/catalog.js';

/**
 * The words after `/ponte department`: `<name…> routing <rule>` or `<name…> quiet <minutes>`
 * (as typed), or `routing <name…> <rule>` (as Discord's options come: the action first), else
 * undefined.
 */
export function parseRoutingSetting(words: string[]): { name: string; setting: 'routing' | 'quiet'; value: string } | undefined {
  const isSetting = (w: string | undefined) => !!w && /^(routing|quiet)$/i.test(w);
  if (isSetting(words[0]) && words.length >= 3) {
    return { name: words.slice(1, -1).join(' '), setting: words[0]!.toLowerCase() as 'routing' | 'quiet', value: words.at(-1)!.toLowerCase() };
  }
  const at = words.length - 2;
  if (at < 1 || !isSetting(words[at])) return undefined;
  return { name: words.slice(0, at).join(' '), setting: words[at]!.toLowerCase() as 'routing' | 'quiet', value: words[at + 1]!.toLowerCase() };
}

/**
 * `/ponte department <name> routing none|round-robin|last|random` and `… quiet <minutes>`
 * (admins): how the department's new tickets find an agent, and how long a ticket is quiet
 * before a customer's message mentions its agent.
 */
export async function setDepartmentRouting(
  sql: Sql,
  ctx: { actor: string; locale: Locale },
  s: { name: string; setting: 'routing' | 'quiet'; value: string },
): Promise<Rich> {
  const dept = await findDepartmentByName(sql, s.name);
  if (!dept) return say(ctx.locale, 'department.unknown', { name: s.name });
  if (s.setting === 'routing') {
    if (!(ROUTING_RULES as readonly string[]).includes(s.value)) return say(ctx.locale, 'department.routing_usage');
    const rule = s.value as RoutingRule;
    await sql`UPDATE departments SET routing = ${rule} WHERE id = ${dept.id}`;
    await audit.record(sql, ctx.actor, 'department.routing', { name: dept.name, rule });
    return say(ctx.locale, 'department.routing_saved', { name: dept.name, rule: t(ctx.locale, `routing.rule.${rule}`) });
  }
  const minutes = /^\d{1,5}$/.test(s.value.replace(/m(in)?$/, '')) ? Number(s.value.replace(/m(in)?$/, '')) : NaN;
  if (!(minutes >= 1 && minutes <= 10_080)) return say(ctx.locale, 'department.routing_usage');
  await sql`UPDATE departments SET quiet_minutes = ${minutes} WHERE id = ${dept.id}`;
  await audit.record(sql, ctx.actor, 'department.quiet', { name: dept.name, minutes });
  return say(ctx.locale, 'department.quiet_saved', { name: dept.name, minutes: String(minutes) });
}
