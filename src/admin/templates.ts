import { joinRich, type Rich } from '../core/rich-text.js';
import { allTemplates } from '../templates/repository.js';
import { enqueue } from '../pipeline/outbox.js';
import { say } from '../i18n/catalog.js';
import { isAdmin } from './permissions.js';
import type { AdminDeps, CommandContext } from './context.js';
import { wordAt, type CommandToken } from './tokens.js';

/** Template syncs run one at a time, in the worker. */
const TEMPLATES_LANE = 'templates';

/**
 * `/ponte templates sync` (admins): asks the worker to pull every WhatsApp number's approved
 * templates; the result is posted in this channel (paging through Meta's list may take longer
 * than the 3 seconds a slash command has). `/ponte templates list` (everyone): what is stored.
 */
export async function templatesCommand(deps: AdminDeps, ctx: CommandContext, args: CommandToken[]): Promise<Rich> {
  const sub = wordAt(args, 0)?.toLowerCase() ?? 'list';
  if (sub === 'sync') {
    if (!(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) return say(ctx.locale, 'admin.refused');
    await enqueue(deps.sql, TEMPLATES_LANE, { kind: 'templates.sync', platform: ctx.platform, destination: ctx.channelId });
    await deps.kickLanes?.([TEMPLATES_LANE]);
    return say(ctx.locale, 'templates.syncing');
  }
  if (sub !== 'list') return say(ctx.locale, 'templates.usage');
  const templates = await allTemplates(deps.sql);
  if (templates.length === 0) return say(ctx.locale, 'templates.empty');
  const lines = [say(ctx.locale, 'templates.title')];
  for (const tpl of templates) {
    const preview = tpl.body.length > 120 ? `${tpl.body.slice(0, 117)}…` : tpl.body;
    lines.push(say(ctx.locale, 'templates.line', { name: tpl.name, language: tpl.language, category: tpl.category, params: tpl.paramCount, body: preview.replace(/\s+/g, ' ') }));
  }
  lines.push(say(ctx.locale, 'templates.how'));
  return joinRich(lines, '\n');
}
