import { joinRich, rich, strong, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { findDefaultDepartment, findDepartmentByName, listDepartments } from '../departments/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { addCloseReason, closeFields, closeReasonsOf, getSurvey, removeCloseReason, setCloseField, setSurvey } from '../tickets/close-settings.js';

const FIELD_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

/**
 * `/ponte close` (what closing asks for), `/ponte close reason add|remove [<department>:] <reason>`
 * (the default department when none is named) and `/ponte close field <name> required|optional|off`.
 */
export async function closeCommand(sql: Sql, locale: Locale, actor: string, text: string): Promise<Rich> {
  const [what = '', verb = '', ...rest] = text.trim().split(/\s+/);
  const kind = what.toLowerCase().replace(/s$/, '');
  if (kind === '' || kind === 'list') return closeSummary(sql, locale);
  if (kind === 'reason') {
    const v = verb.toLowerCase();
    if (v === 'list' || v === '') return closeSummary(sql, locale);
    if (v !== 'add' && v !== 'remove') return say(locale, 'close.usage');
    const words = rest.join(' ');
    const colon = words.indexOf(':');
    const deptName = colon >= 0 ? words.slice(0, colon).trim() : '';
    const reason = (colon >= 0 ? words.slice(colon + 1) : words).trim();
    if (!reason || reason.length > 80) return say(locale, 'close.usage');
    const dept = deptName ? await findDepartmentByName(sql, deptName) : await findDefaultDepartment(sql);
    if (!dept) return say(locale, 'close.unknown_department', { name: deptName });
    if (v === 'add') await addCloseReason(sql, dept.id, reason);
    else if (!(await removeCloseReason(sql, dept.id, reason))) return say(locale, 'close.reason_unknown', { reason, department: dept.name });
    await audit.record(sql, actor, `close.reason.${v}`, { department: dept.name, reason });
    return say(locale, v === 'add' ? 'close.reason_added' : 'close.reason_removed', { reason, department: dept.name });
  }
  if (kind === 'field') {
    const mode = (rest[0] ?? '').toLowerCase();
    if (!FIELD_NAME.test(verb) || (mode !== 'required' && mode !== 'optional' && mode !== 'off')) return say(locale, 'close.usage');
    const name = verb.toLowerCase();
    await setCloseField(sql, name, mode);
    await audit.record(sql, actor, 'close.field', { name, mode });
    return say(locale, `close.field_${mode}`, { field: name });
  }
  return say(locale, 'close.usage');
}

async function closeSummary(sql: Sql, locale: Locale): Promise<Rich> {
  const lines: Rich[] = [say(locale, 'close.title')];
  for (const d of await listDepartments(sql)) {
    const reasons = await closeReasonsOf(sql, d.id);
    lines.push(rich('• ', strong(d.name), ': ', reasons.length ? reasons.join(' · ') : '—'));
  }
  const fields = await closeFields(sql);
  const shown = fields.map((f) => `${f.name} (${f.required ? 'required' : 'optional'})`).join(', ');
  lines.push(say(locale, 'close.fields_now', { fields: shown || '—' }));
  const survey = await getSurvey(sql);
  lines.push(say(locale, survey.on ? 'survey.is_on' : 'survey.is_off'));
  return joinRich(lines, '\n');
}

/** `/ponte survey on [question]` / `/ponte survey off`: the satisfaction survey sent at resolve, for every department. */
export async function surveyCommand(sql: Sql, locale: Locale, actor: string, text: string): Promise<Rich> {
  const m = /^\s*(on|off)\b\s*([\s\S]*)$/i.exec(text);
  if (!m) return say(locale, (await getSurvey(sql)).on ? 'survey.is_on' : 'survey.is_off');
  const on = m[1]!.toLowerCase() === 'on';
  const question = m[2]!.trim().slice(0, 500) || null;
  await setSurvey(sql, { on, text: on ? question : null }, actor);
  await audit.record(sql, actor, 'survey', { on, text: question });
  return say(locale, on ? 'survey.turned_on' : 'survey.turned_off');
}
