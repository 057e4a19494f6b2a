import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { describeHours, parseHours } from '../hours/business-hours.js';
import { getHours, setHours } from '../settings/repository.js';
import { t, type Locale } from '../i18n/catalog.js';

/**
 * `/ponte hours <days> <HH:MM-HH:MM> […] [Time/Zone]` | `off` | (nothing: show). Outside these
 * hours a new ticket gets the away message instead of the greeting.
 */
export async function hoursCommand(sql: Sql, locale: Locale, actor: string, text: string, defaultTz: string, canEdit: boolean): Promise<string> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    const hours = await getHours(sql);
    return hours ? t(locale, 'hours.current', { hours: describeHours(hours) }) : t(locale, 'hours.none');
  }
  if (!canEdit) return t(locale, 'admin.refused');
  if (words.length === 1 && words[0]!.toLowerCase() === 'off') {
    await setHours(sql, null, actor);
    await audit.record(sql, actor, 'hours', { hours: null });
    return t(locale, 'hours.cleared');
  }
  const parsed = parseHours(words, defaultTz);
  if ('error' in parsed) return t(locale, parsed.error === 'timezone' ? 'hours.bad_timezone' : 'hours.usage');
  await setHours(sql, parsed, actor);
  await audit.record(sql, actor, 'hours', { hours: describeHours(parsed) });
  return t(locale, 'hours.set', { hours: describeHours(parsed) });
}
