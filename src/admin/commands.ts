import type { Sql } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';
import { upsertConnection } from '../connections/repository.js';
import { t, type Locale } from '../i18n/catalog.js';
import { isAdmin, type ProfileLookup } from './permissions.js';
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
import { searchCommand, ticketsCommand, type ThreadLinker } from './tickets.js';
import { wordAt, type CommandToken } from './tokens.js';

export interface CommandContext {
  platform: AgentPlatform;
  userId: string;
  /** Where the command was typed: the default destination for `connect`. */
  channelId: string;
  locale: Locale;
  /** The arguments as plain text (platform markup undone), for subcommands that take free text. */
  text: string;
}

export interface AdminDeps {
  sql: Sql;
  envAdmins: readonly string[];
  /** Reads a profile from the platform, to recognise its workspace admins and owners. */
  lookupProfile?: ProfileLookup;
  /** Links to a ticket's thread, in the platform's markup. */
  threadLink?: ThreadLinker;
  /** Time zone for business hours given without one (PONTE_TIMEZONE). */
  timeZone?: string;
  /** Wakes dispatch for lanes (after /ponte retry re-queued them). */
  kickLanes?: (lanes: string[]) => Promise<void>;
}

/** Subcommands that change configuration: only admins may run them. */
const ADMIN_ONLY = new Set(['connect', 'message', 'admin', 'retry']);
const CONNECTABLE: readonly ChannelKind[] = ['whatsapp'];

/**
 * `/ponte <subcommand> …`, platform-neutral. Returns the reply text (shown only to the
 * person who typed it). Refusals change nothing and say why in the person's language.
 */
export async function runCommand(deps: AdminDeps, ctx: CommandContext, tokens: CommandToken[]): Promise<string> {
  const sub = wordAt(tokens, 0)?.toLowerCase() ?? 'help';
  if (ADMIN_ONLY.has(sub) && !(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) {
    return t(ctx.locale, 'admin.refused');
  }
  switch (sub) {
    case 'help':
      return t(ctx.locale, 'admin.help');
    case 'status':
      return renderStatus(deps.sql, ctx.locale);
    case 'connect':
      return connect(deps, ctx, tokens.slice(1));
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
      if (changing && !(await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile))) return t(ctx.locale, 'admin.refused');
      return modeCommand(deps.sql, ctx.locale, `${ctx.platform}:${ctx.userId}`, tokens.slice(1));
    }
    case 'farewell':
      return farewellCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''));
    case 'signature':
      return signatureCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''), () =>
        isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile),
      );
    case 'tickets':
      return ticketsCommand(deps.sql, ctx, tokens.slice(1), deps.threadLink);
    case 'search':
      return searchCommand(deps.sql, ctx, ctx.text.replace(/^\s*\S+/, ''), deps.threadLink);
    case 'department': {
      const editing = /^\s*\S+\s+(add|remove)\b/i.test(ctx.text);
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
      return t(ctx.locale, 'admin.unknown', { command: sub });
  }
}

async function connect(deps: AdminDeps, ctx: CommandContext, args: CommandToken[]): Promise<string> {
  const kind = wordAt(args, 0)?.toLowerCase();
  const account = wordAt(args, 1);
  if (!kind || !account) return t(ctx.locale, 'connect.usage');
  if (!CONNECTABLE.includes(kind as ChannelKind)) return t(ctx.locale, 'connect.bad_kind', { kind });
  if (!/^\d{5,20}$/.test(account)) return t(ctx.locale, 'connect.bad_account', { account });
  const target = args[2];
  if (target && target.type !== 'channel') return t(ctx.locale, 'connect.bad_channel');
  const destination = target?.type === 'channel' ? target.id : ctx.channelId;

  const { previousDestination } = await deps.sql.begin(async (tx) => {
    const result = await upsertConnection(tx, {
      channel: kind as ChannelKind,
      accountId: account,
      platform: ctx.platform,
      destination,
      createdBy: `${ctx.platform}:${ctx.userId}`,
    });
    await tx`INSERT INTO audit_log (actor, action, details)
      VALUES (${`${ctx.platform}:${ctx.userId}`}, 'connect', ${tx.json({ channel: kind, accountId: account, destination })})`;
    return result;
  });
  return previousDestination
    ? t(ctx.locale, 'connect.moved', { account, channel: destination, previous: previousDestination })
    : t(ctx.locale, 'connect.done', { account, channel: destination });
}
