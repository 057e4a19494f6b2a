import { channel, joinRich, mention, rich, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { findDefaultDepartment, findDepartmentByChannel, findDepartmentByName, type Department } from '../departments/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import type { CommandToken } from './tokens.js';

/**
 * `/ponte agent add @person [department…]`, `agent remove @person [department…]`, `agent list`.
 * Departments are named or given by their #channel; without any, the default department.
 */
export async function agentCommand(
  sql: Sql,
  ctx: { platform: AgentPlatform; userId: string; locale: Locale },
  args: CommandToken[],
  canEdit: boolean,
): Promise<Rich> {
  const verb = args[0]?.type === 'word' ? args[0].value.toLowerCase() : 'list';
  if (verb === 'list') {
    const rows = await sql<{ user_id: string; away: boolean; departments: string[] }[]>`
      SELECT a.platform_user_id AS user_id, a.away, array_agg(d.name ORDER BY d.name) AS departments
      FROM agent_departments ad JOIN agents a ON a.id = ad.agent_id JOIN departments d ON d.id = ad.department_id
      WHERE a.platform = ${ctx.platform} GROUP BY a.platform_user_id, a.away ORDER BY a.platform_user_id`;
    if (rows.length === 0) return say(ctx.locale, 'agents.none');
    return joinRich([say(ctx.locale, 'agents.title'), ...rows.map((r) => rich('• ', mention(r.user_id), `: ${r.departments.join(', ')}`, r.away ? ` (${t(ctx.locale, 'away.status')})` : ''))], '\n');
  }
  if (verb !== 'add' && verb !== 'remove') return say(ctx.locale, 'agents.usage');
  if (!canEdit) return say(ctx.locale, 'admin.refused');
  const person = args.find((a) => a.type === 'user');
  if (person?.type !== 'user') return say(ctx.locale, 'agents.usage');
  const departments: Department[] = [];
  for (const a of args.slice(1)) {
    const dept = a.type === 'channel' ? await findDepartmentByChannel(sql, ctx.platform, a.id) : a.type === 'word' ? await findDepartmentByName(sql, a.value) : undefined;
    if (a.type === 'user') continue;
    if (!dept) return say(ctx.locale, 'agents.unknown_department', { name: a.type === 'word' ? a.value : a.type === 'channel' ? channel(a.id) : a.raw });
    departments.push(dept);
  }
  if (departments.length === 0) departments.push(await findDefaultDepartment(sql));
  const [agent] = await sql<{ id: string }[]>`
    INSERT INTO agents (platform, platform_user_id) VALUES (${ctx.platform}, ${person.id})
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET platform = EXCLUDED.platform RETURNING id`;
  const ids = departments.map((d) => d.id);
  if (verb === 'add') {
    await sql`INSERT INTO agent_departments (agent_id, department_id) SELECT ${agent!.id}, unnest(${ids}::bigint[]) ON CONFLICT DO NOTHING`;
  } else {
    await sql`DELETE FROM agent_departments WHERE agent_id = ${agent!.id} AND department_id = ANY(${ids}::bigint[])`;
  }
  await audit.record(sql, `${ctx.platform}:${ctx.userId}`, `agent.${verb}`, { user: person.id, departments: ids });
  return say(ctx.locale, verb === 'add' ? 'agents.added' : 'agents.removed', { user: mention(person.id), departments: departments.map((d) => d.name).join(', ') });
}
