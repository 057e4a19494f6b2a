import type { Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { describeHours, parseHours } from '../hours/business-hours.js';
import { getHours, setHours } from '../settings/repository.js';
import { say, type Locale } from '../i18n/catalog.js';

/**
 * `/ponte hours <days> <HH:MM-HH:MM> […] [Time/Zone]` | `off` | (nothing: show). Outside these
 * hours a new ticket gets the away message instead of the greeting.
 */
export async function hoursCommand(sql: Sql, locale: Locale, actor: string, text: string, defaultTz: string, canEdit: boolean): Promise<Rich> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    const hours = await getHours(sql);
    return hours ? say(locale, 'hours.current', { hours: describeHours(hours) }) : say(locale, 'hours.none');
  }
  if (!canEdit) return say(locale, 'admin.refused');
  if (words.length === 1 && words[0]!.toLowerCase() === 'off') {
    await setHours(sql, null, actor);
    await audit.record(sql, actor, 'hours', { hours: null });
    return say(locale, 'hours.cleared');
  }
  const parsed = parseHours(words, defaultTz);
  if ('error' in parsed) return say(locale, parsed.error === 'timezone' ? 'hours.bad_timezone' : 'hours.usage');
  await setHours(sql, parsed, actor);
  await audit.record(sql, actor, 'hours', { hours: describeHours(parsed) });
  return say(locale, 'hours.set', { hours: describeHours(parsed) });
}
