import { code, joinRich, rich, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { SHORTCUT, listQuickReplies, removeQuickReply, saveQuickReply } from '../quick-replies/repository.js';
import { say, type Locale } from '../i18n/catalog.js';

/** `/ponte quickreply add <shortcut> <text> | remove <shortcut> | list`. `text` is plain (markup undone). */
export async function quickReplyCommand(sql: Sql, locale: Locale, actor: string, text: string, canEdit: boolean): Promise<Rich> {
  const [, verb = 'list', shortcutRaw = '', body = ''] = /^\s*(\S+)?\s*(\S+)?\s*([\s\S]*)$/.exec(text) ?? [];
  const shortcut = shortcutRaw.replace(/^!!/, '').toLowerCase();
  if (verb === 'list') {
    const all = await listQuickReplies(sql);
    if (all.length === 0) return say(locale, 'quickreply.none');
    return joinRich([say(locale, 'quickreply.title'), ...all.map((q) => rich('• ', code(`!!${q.shortcut}`), `: ${q.body.replace(/\n/g, ' ')}`))], '\n');
  }
  if (verb !== 'add' && verb !== 'remove') return say(locale, 'quickreply.usage');
  if (!canEdit) return say(locale, 'admin.refused');
  if (!SHORTCUT.test(shortcut)) return say(locale, 'quickreply.bad_shortcut', { shortcut: shortcutRaw || '?' });
  if (verb === 'remove') {
    const removed = await removeQuickReply(sql, shortcut);
    if (removed) await audit.record(sql, actor, 'quickreply.remove', { shortcut });
    return say(locale, removed ? 'quickreply.removed' : 'quickreply.unknown', { shortcut });
  }
  if (!body.trim()) return say(locale, 'quickreply.usage');
  await saveQuickReply(sql, shortcut, body.trim(), actor);
  await audit.record(sql, actor, 'quickreply.add', { shortcut, body: body.trim() });
  return say(locale, 'quickreply.saved', { shortcut });
}
