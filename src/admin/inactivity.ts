import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { findDefaultDepartment, findDepartmentByName, type Department } from '../departments/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';

/** Up to a week: the warning has to reach the customer while their reply window may still be open. */
const MAX_SECONDS = 7 * 24 * 3600;
const DURATION = /^(\d{1,4}(?:[.,]\d{1,2})?)([smhd]?)$/i;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, '': 3600 };

/** `4h`, `30m`, `45s`, `1.5` (hours) → seconds; undefined when it is not a delay in range. */
export function parseDelay(word: string): number | undefined {
  const m = DURATION.exec(word);
  if (!m) return undefined;
  const seconds = Math.round(Number(m[1]!.replace(',', '.')) * UNIT[m[2]!.toLowerCase()]!);
  return seconds >= 1 && seconds <= MAX_SECONDS ? seconds : undefined;
}

/** Seconds as people write them back: `4h`, `90m`, `45s`. */
export function showDelay(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

type Setting =
  | { kind: 'set'; name: string; warn: number; close: number; text: string | null }
  | { kind: 'off'; name: string }
  | { kind: 'window'; name: string; on: boolean };

/**
 * The words after `/ponte department`, when they are about inactivity, as `parseInactivity` reads
 * them: `<name…> inactivity …` and `<name…> windowclose on|off` (as typed), or
 * `inactivity <name…> …` and `windowclose <name…> on|off` (as Discord's options come: the action
 * first). Undefined when they are about something else.
 */
export function inactivityWords(afterDepartment: string): string | undefined {
  const first = /^\s*(inactivity|windowclose)\s+(.*)$/is.exec(afterDepartment);
  if (first) {
    if (first[1]!.toLowerCase() === 'inactivity') return first[2]!;
    const m = /^(.*?)\s*(\S+)\s*$/s.exec(first[2]!)!;
    return `${m[1]} windowclose ${m[2]}`;
  }
  const typed = /^(.*?)\s+(inactivity|windowclose)\b(.*)$/is.exec(afterDepartment);
  if (!typed || !typed[1]!.trim() || /^\s*(add|remove|list)\b/i.test(typed[1]!)) return undefined;
  return typed[2]!.toLowerCase() === 'inactivity' ? `${typed[1]} ${typed[3]}` : `${typed[1]} windowclose ${typed[3]}`;
}

/**
 * `<department…> <warn> <close> [warning text]`, `<department…> off` or
 * `<department…> windowclose on|off`. The department is the words before the first delay or
 * keyword (none: the default department).
 */
export function parseInactivity(rest: string): Setting | undefined {
  const words = [...rest.matchAll(/\S+/g)];
  const at = words.findIndex((w) => parseDelay(w[0]) !== undefined || /^(off|windowclose(=\S*)?)$/i.test(w[0]));
  if (at < 0) return undefined;
  const name = words.slice(0, at).map((w) => w[0]).join(' ');
  const word = words[at]![0].toLowerCase();
  if (word === 'off') return words.length === at + 1 ? { kind: 'off', name } : undefined;
  if (word.startsWith('windowclose')) {
    const value = word.includes('=') ? word.split('=')[1] : words[at + 1]?.[0].toLowerCase();
    return value === 'on' || value === 'off' ? { kind: 'window', name, on: value === 'on' } : undefined;
  }
  const warn = parseDelay(words[at]![0]);
  const close = words[at + 1] ? parseDelay(words[at + 1]![0]) : undefined;
  if (!warn || !close) return undefined;
  const after = words[at + 1]!;
  const text = rest.slice(after.index! + after[0].length).trim();
  return { kind: 'set', name, warn, close, text: text ? text.slice(0, 1000) : null };
}

/** A department's inactivity settings in a line (`/ponte inactivity`, `/ponte department list`). */
export function inactivityLine(locale: Locale, d: Department): string {
  const idle = d.inactivity_warn_seconds && d.inactivity_close_seconds
    ? t(locale, 'inactivity.line', { warn: showDelay(d.inactivity_warn_seconds), close: showDelay(d.inactivity_close_seconds) })
    : t(locale, 'inactivity.line_off');
  return d.window_close ? `${idle}; ${t(locale, 'inactivity.line_window')}` : idle;
}

/**
 * `/ponte department <name> inactivity …` and `… windowclose on|off` (admins): per department, warn a customer who owes a reply and then
 * resolve, and resolve when the reply window closes (src/timers/inactivity.ts does it).
 */
export async function inactivityCommand(sql: Sql, ctx: { actor: string; locale: Locale }, rest: string): Promise<Rich> {
  const { locale } = ctx;
  const s = parseInactivity(rest);
  if (!s) return say(locale, 'inactivity.usage');
  const dept = s.name ? await findDepartmentByName(sql, s.name) : await findDefaultDepartment(sql);
  if (!dept) return say(locale, 'department.unknown', { name: s.name });
  if (s.kind === 'set') {
    await sql`UPDATE departments SET inactivity_warn_seconds = ${s.warn}, inactivity_close_seconds = ${s.close}, inactivity_text = ${s.text} WHERE id = ${dept.id}`;
    await audit.record(sql, ctx.actor, 'department.inactivity', { name: dept.name, warn: s.warn, close: s.close });
    return say(locale, 'inactivity.saved', { name: dept.name, warn: showDelay(s.warn), close: showDelay(s.close), reason: t(locale, 'inactivity.reason') });
  }
  if (s.kind === 'off') {
    await sql`UPDATE departments SET inactivity_warn_seconds = NULL, inactivity_close_seconds = NULL WHERE id = ${dept.id}`;
    await audit.record(sql, ctx.actor, 'department.inactivity', { name: dept.name, off: true });
    return say(locale, 'inactivity.turned_off', { name: dept.name });
  }
  await sql`UPDATE departments SET window_close = ${s.on} WHERE id = ${dept.id}`;
  await audit.record(sql, ctx.actor, 'department.windowclose', { name: dept.name, on: s.on });
  return say(locale, s.on ? 'inactivity.window_on' : 'inactivity.window_off', { name: dept.name, reason: t(locale, 'inactivity.reason_window') });
}
