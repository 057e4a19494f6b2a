import { joinRich, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { findDepartmentByName } from '../departments/repository.js';
import { getDepartmentMenu, listDepartmentMenus, setMenuDepartments, setMenuEnabled } from '../departments/menu-settings.js';
import { say, type Locale } from '../i18n/catalog.js';

/** "1. Vendas, 2. Suporte", as the customer sees them numbered. */
const numbered = (names: string[]) => (names.length ? names.map((n, i) => `${i + 1}. ${n}`).join(', ') : '—');

/**
 * `/ponte menu` (the menus), `/ponte menu <account id> on [question]`, `… off` and
 * `… departments <name>, <name>, …` (admins): the department menu a connection's new customers
 * choose from. It asks only when it is on and offers two departments or more.
 */
export async function departmentMenuCommand(sql: Sql, locale: Locale, actor: string, text: string): Promise<Rich> {
  const m = /^\s*(\S+)\s+(on|off|departments?)\b\s*([\s\S]*)$/i.exec(text);
  if (!m) return text.trim() ? say(locale, 'menu.usage') : listMenus(sql, locale);
  const account = m[1]!;
  const verb = m[2]!.toLowerCase();
  const rest = m[3]!.trim();
  const connections = await sql<{ id: string }[]>`SELECT id FROM connections WHERE account_id = ${account} ORDER BY id`;
  if (connections.length === 0) return say(locale, 'menu.unknown_account', { account });
  const ids = connections.map((c) => c.id);
  if (verb === 'off') {
    for (const id of ids) await setMenuEnabled(sql, id, false, null);
    await audit.record(sql, actor, 'menu.off', { account });
    return say(locale, 'menu.turned_off', { account });
  }
  if (verb === 'on') {
    const menu = await getDepartmentMenu(sql, ids[0]!);
    if (menu.departments.length < 2) return say(locale, 'menu.needs_two', { account });
    const question = rest.slice(0, 500) || null;
    for (const id of ids) await setMenuEnabled(sql, id, true, question);
    await audit.record(sql, actor, 'menu.on', { account, question });
    return say(locale, 'menu.turned_on', { account, departments: numbered(menu.departments.map((d) => d.name)) });
  }
  const names = rest.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) return say(locale, 'menu.usage');
  const found: { id: string; name: string }[] = [];
  for (const name of names) {
    const dept = await findDepartmentByName(sql, name);
    if (!dept) return say(locale, 'menu.unknown_department', { name });
    if (!found.some((d) => d.id === dept.id)) found.push({ id: dept.id, name: dept.name });
  }
  for (const id of ids) await setMenuDepartments(sql, id, found.map((d) => d.id));
  await audit.record(sql, actor, 'menu.departments', { account, departments: found.map((d) => d.name) });
  return say(locale, 'menu.departments_saved', { account, departments: numbered(found.map((d) => d.name)) });
}

async function listMenus(sql: Sql, locale: Locale): Promise<Rich> {
  const menus = await listDepartmentMenus(sql);
  if (menus.length === 0) return say(locale, 'menu.none');
  const lines = menus.map((m) =>
    say(locale, m.enabled ? 'menu.line_on' : 'menu.line_off', { account: m.accountId, channel: m.channel, departments: numbered(m.departments.map((d) => d.name)) }));
  return joinRich([say(locale, 'menu.title'), ...lines], '\n');
}
