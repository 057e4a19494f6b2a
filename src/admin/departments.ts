import { channel as channelSpan, joinRich, rich, strong, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { listDepartments, removeDepartment, saveDepartment } from '../departments/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import type { CommandToken } from './tokens.js';
import { parseRoutingSetting, setDepartmentRouting } from './department-routing.js';
import { inactivityLine } from './inactivity.js';

/**
 * `/ponte department add <name> [#channel] | remove <name> | list`. A department's tickets
 * appear in its channel; `!transfer #channel` moves a ticket there.
 */
export async function departmentCommand(
  sql: Sql,
  ctx: { platform: AgentPlatform; platformName?: string; userId: string; channelId: string; locale: Locale },
  args: CommandToken[],
  canEdit: boolean,
): Promise<Rich> {
  const verb = args[0]?.type === 'word' ? args[0].value.toLowerCase() : 'list';
  if (verb === 'list') {
    const all = await listDepartments(sql);
    const line = (d: (typeof all)[number]) => {
      const where = d.destinations[ctx.platform];
      const routing = t(ctx.locale, 'department.routing_line', { rule: t(ctx.locale, `routing.rule.${d.routing}`), minutes: d.quiet_minutes });
      return rich('• ', strong(d.name), ...(where ? [' → ', channelSpan(where)] : []), ...(d.is_default ? [` (${t(ctx.locale, 'department.default')})`] : []), ` · ${routing}`, ` · ${inactivityLine(ctx.locale, d)}`);
    };
    return joinRich([say(ctx.locale, 'department.title'), ...all.map(line)], '\n');
  }
  const setting = verb !== 'add' && verb !== 'remove' ? parseRoutingSetting(args.filter((a) => a.type === 'word').map((a) => (a as { value: string }).value)) : undefined;
  if (setting) return canEdit ? setDepartmentRouting(sql, { actor: `${ctx.platform}:${ctx.userId}`, locale: ctx.locale }, setting) : say(ctx.locale, 'admin.refused');
  if (verb !== 'add' && verb !== 'remove') return say(ctx.locale, 'department.usage');
  if (!canEdit) return say(ctx.locale, 'admin.refused');
  const words = args.slice(1).filter((a) => a.type === 'word').map((a) => (a as { value: string }).value);
  const name = words.join(' ').trim();
  if (!name || name.length > 60) return say(ctx.locale, 'department.usage');
  const actor = `${ctx.platform}:${ctx.userId}`;
  if (verb === 'remove') {
    const result = await removeDepartment(sql, name);
    if (result === 'removed') await audit.record(sql, actor, 'department.remove', { name });
    return say(ctx.locale, result === 'default' ? 'department.default_kept' : `department.${result}`, { name });
  }
  if (args.some((a) => a.type === 'unresolved_channel')) return say(ctx.locale, 'connect.bad_channel', { platform: ctx.platformName ?? ctx.platform });
  const channel = args.find((a) => a.type === 'channel');
  const channelId = channel?.type === 'channel' ? channel.id : ctx.channelId;
  const dept = await saveDepartment(sql, ctx.platform, name, channelId);
  await audit.record(sql, actor, 'department.add', { name, channelId });
  return say(ctx.locale, 'department.saved', { name: dept.name, channel: channelSpan(channelId) });
}
