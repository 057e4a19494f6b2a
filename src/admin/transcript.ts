import type { Rich } from '../core/rich-text.js';
import type { Sql } from '../db/connect.js';
import { say, type Locale } from '../i18n/catalog.js';
import { getTranscriptOnResolve, setTranscriptOnResolve } from '../settings/transcript.js';
import { wordAt, type CommandToken } from './tokens.js';

/** `/ponte transcript on [html]|off` (admins): a resolved ticket's transcript posted in its thread. */
export async function transcriptSettingCommand(sql: Sql, locale: Locale, by: string, args: CommandToken[]): Promise<Rich> {
  const action = wordAt(args, 0)?.toLowerCase();
  if (action === 'on') {
    const format = wordAt(args, 1)?.toLowerCase() === 'html' ? 'html' : 'txt';
    await setTranscriptOnResolve(sql, format, by);
    return say(locale, 'transcript.setting_on', { format });
  }
  if (action === 'off') {
    await setTranscriptOnResolve(sql, null, by);
    return say(locale, 'transcript.setting_off');
  }
  return say(locale, 'transcript.setting_usage', { now: (await getTranscriptOnResolve(sql)) ?? 'off' });
}
