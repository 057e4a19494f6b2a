import type { Rich } from '../core/rich-text.js';
import type { AdminDeps, CommandContext } from './context.js';
import { connectCommand } from './connect.js';
import { templatesCommand } from './templates.js';
import { newConversationCommand } from './new-conversation.js';
import { say } from '../i18n/catalog.js';
import { isAdmin } from './permissions.js';
import { renderStatus } from './status.js';
import { messageCommand } from './messages.js';
import { quickReplyCommand } from './quick-replies.js';
import { departmentCommand } from './departments.js';
import { hoursCommand } from './hours.js';
import { signatureCommand } from './signature.js';
import { adminCommand, modeCommand } from './roles.js';
import { retryCommand } from './retry.js';
import { agentCommand } from './agents.js';
import { farewellCommand } from './farewell.js';
import { awayCommand } from './away.js';
import { searchCommand, ticketsCommand } from './tickets.js';
import { transcriptSettingCommand } from './transcript.js';
import { wordAt, type CommandToken } from './tokens.js';
import { scheduleToContact, scheduledCommand, timezoneCommand } from './schedule.js';
import { closeCommand, surveyCommand } from './closing.js';
import { reportCommand } from './csat-report.js';
import { inactivityCommand, inactivityWords } from './inactivity.js';
import { departmentMenuCommand } from './department-menu.js';
import { disconnectCommand } from './disconnect.js';
import { exportCommand } from './export.js';

export type { AdminDeps, CommandContext } from './context.js';

/** Subcommands that change configuration: only admins may run them. */
const ADMIN_ONLY = new Set(['connect', 'message', 'admin', 'retry', 'close', 'survey', 'report', 'transcript', 'menu', 'disconnect', 'export']);

/**
 * `/ponte <subcommand> …`, platform-neutral. Returns the reply text (shown only to the
 * person who typed it). Refusals change nothing and say why in the person's language.
 */
export async function runCommand(deps: AdminDeps, ctx: CommandContext, tokens: CommandToken[]): Promise<Rich> {
  const sub = wordAt(tokens, 0)?.toLowerCase() ?? 'help';
  if (ADMIN_ONLY.has(sub) && !(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) {
    return say(ctx.locale, 'admin.refused');
  }
  switch (sub) {
    case 'help':
      return say(ctx.locale, 'admin.help', { platform: ctx.platformName ?? ctx.platform });
    case 'status':
      return renderStatus(deps.sql, ctx.locale);
    case 'connect':
      // `connect <kind> <account> disconnect` is the same as `disconnect <kind> <account>` (Discord's form).
      if (tokens.some((tok, i) => i > 0 && tok.type === 'word' && tok.value.toLowerCase() === 'disconnect')) {
        return disconnectCommand(deps.sql, ctx, tokens.slice(1).filter((tok) => !(tok.type === 'word' && tok.value.toLowerCase() === 'disconnect')));
      }
      return connectCommand(deps, ctx, tokens.slice(1));
    case 'disconnect':
      return disconnectCommand(deps.sql, ctx, tokens.slice(1));
    case 'export':
      return exportCommand(deps, ctx, tokens.slice(1));
    case 'templates':
      return templatesCommand(deps, ctx, tokens.slice(1));
    case 'new':
      return newConversationCommand(deps, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'schedule':
      return scheduleToContact(deps, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'scheduled':
      return scheduledCommand(deps, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'timezone':
      return timezoneCommand(deps, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'message':
      return messageCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, ctx.text.replace(/^\s*\S+/, ''));
    case 'hours': {
      const rest = ctx.text.replace(/^\s*\S+/, '');
      const canEdit = rest.trim() !== '' && (await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile));
      return hoursCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, rest, deps.timeZone ?? 'UTC', canEdit);
    }
    case 'agent': {
      const editing = /^\s*\S+\s+(add|remove)\b/i.test(ctx.text);
      const canEdit = editing && (await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile));
      return agentCommand(deps.sql, ctx, tokens.slice(1), canEdit);
    }
    case 'retry':
      return retryCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, deps.kickLanes ?? (async () => {}));
    case 'admin':
      return adminCommand(deps.sql, ctx, tokens.slice(1));
    case 'mode': {
      const changing = tokens.length > 1;
      if (changing && !(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) return say(ctx.locale, 'admin.refused');
      return modeCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, tokens.slice(1));
    }
    case 'close':
      return closeCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, ctx.text.replace(/^\s*\S+/, ''));
    case 'survey':
      return surveyCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, ctx.text.replace(/^\s*\S+/, ''));
    case 'menu':
      return departmentMenuCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, ctx.text.replace(/^\s*\S+/, ''));
    case 'report':
      // `report audit [period]` is the same as `export audit [period]` (Discord's form).
      if (wordAt(tokens, 1)?.toLowerCase() === 'audit') return exportCommand(deps, ctx, tokens.slice(1));
      return reportCommand(deps.sql, ctx.locale, ctx.text.replace(/^\s*\S+/, ''));
    case 'farewell':
      return farewellCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'signature':
      return signatureCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''), () =>
        isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile),
      );
    case 'tickets':
      return ticketsCommand(deps.sql, ctx, tokens.slice(1), deps.threadLink);
    case 'transcript':
      return transcriptSettingCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, tokens.slice(1));
    case 'search':
      return searchCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''), deps.threadLink);
    case 'away':
      return awayCommand(deps.sql, ctx, wordAt(tokens, 1));
    case 'department': {
      const idle = inactivityWords(ctx.text.replace(/^\s*\S+/, ''));
      if (idle !== undefined) {
        if (!(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) return say(ctx.locale, 'admin.refused');
        return inactivityCommand(deps.sql, { actor: `${ctx.platform}:${ctx.userId}`, locale: ctx.locale }, idle);
      }
      // `/ponte department menu …` is `/ponte menu …` (Discord's /ponte has no room for another subcommand).
      if (/^\s*\S+\s+menu\b/i.test(ctx.text)) {
        if (!(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) return say(ctx.locale, 'admin.refused');
        return departmentMenuCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, ctx.text.replace(/^\s*\S+\s+menu\b/i, ''));
      }
      const editing = /^\s*\S+\s+(add|remove|routing|quiet)\b/i.test(ctx.text) || /\s(routing|quiet)\s+\S+\s*$/i.test(ctx.text);
      const canEdit = editing && (await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile));
      return departmentCommand(deps.sql, ctx, tokens.slice(1), canEdit);
    }
    case 'quickreply': {
      // Listing is for every agent; adding and removing is for admins.
      const rest = ctx.text.replace(/^\s*\S+/, '');
      const editing = /^\s*(add|remove)\b/i.test(rest);
      const canEdit = editing && (await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile));
      return quickReplyCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, rest.replace(/^\s*(add|remove|list)\b/i, (v) => v.toLowerCase()), canEdit);
    }
    default:
      return say(ctx.locale, 'admin.unknown', { command: sub });
  }
}
