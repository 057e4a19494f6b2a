import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { SHORTCUT, listQuickReplies, removeQuickReply, saveQuickReply } from '../quick-replies/repository.js';
import { t, type Locale } from '../i18n/catalog.js';

/** `/ponte quickreply add <shortcut> <text> | remove <shortcut> | list`. `text` is plain (markup undone). */
export async function quickReplyCommand(sql: Sql, locale: Locale, actor: string, text: string, canEdit: boolean): Promise<string> {
  const [, verb = 'list', shortcutRaw = '', body = ''] = /^\s*(\S+)?\s*(\S+)?\s*([\s\S]*)$/.exec(text) ?? [];
  const shortcut = shortcutRaw.replace(/^!!/, '').toLowerCase();
  if (verb === 'list') {
    const all = await listQuickReplies(sql);
    if (all.length === 0) return t(locale, 'quickreply.none');
    return [t(locale, 'quickreply.title'), ...all.map((q) => `• \`!!${q.shortcut}\`: ${q.body.replace(/\n/g, ' ')}`)].join('\n');
  }
  if (verb !== 'add' && verb !== 'remove') return t(locale, 'quickreply.usage');
  if (!canEdit) return t(locale, 'admin.refused');
  if (!SHORTCUT.test(shortcut)) return t(locale, 'quickreply.bad_shortcut', { shortcut: shortcutRaw || '?' });
  if (verb === 'remove') {
    const removed = await removeQuickReply(sql, shortcut);
    if (removed) await audit.record(sql, actor, 'quickreply.remove', { shortcut });
    return t(locale, removed ? 'quickreply.removed' : 'quickreply.unknown', { shortcut });
  }
  if (!body.trim()) return t(locale, 'quickreply.usage');
  await saveQuickReply(sql, shortcut, body.trim(), actor);
  await audit.record(sql, actor, 'quickreply.add', { shortcut, body: body.trim() });
  return t(locale, 'quickreply.saved', { shortcut });
}
