import type { AgentMessageEvent } from '../core/events.js';
import { say } from '../i18n/catalog.js';
import { findAgent } from '../agents/repository.js';
import { findDepartmentByChannel, findDepartmentByName } from '../departments/repository.js';
import { runTicketCommand, type ActionContext } from '../tickets/transitions.js';
import { transferToAgent, transferToDepartment } from '../tickets/transfer.js';
import { setContactBlocked } from '../tickets/blocking.js';
import { contactCommand, tagCommand } from '../tickets/annotations.js';
import { commentCommand } from '../tickets/comments.js';
import { historyCommand, transcriptCommand } from '../tickets/history-commands.js';
import { parseTemplateArgs, sendTemplate } from '../tickets/template-send.js';
import { cancelClose, scheduleClose, type ArmClose } from '../timers/scheduled-close.js';
import type { ArmMessage } from '../timers/scheduled-messages.js';
import { scheduleCommand } from '../timers/schedule-command.js';
import { parseResolveArgs } from './resolve-args.js';
import { deleteTicket } from '../tickets/delete-ticket.js';

/** One `!command` in a ticket thread: who, on which ticket, with what words after the name. */
export interface CommandCall {
  actx: ActionContext;
  ev: AgentMessageEvent;
  args: string;
  armClose?: ArmClose;
  armMessage?: ArmMessage;
  /** The workspace's time zone (PONTE_TIMEZONE), for times agents type and read. */
  timeZone?: string;
  envAdmins?: readonly string[];
}

type Command = (call: CommandCall) => Promise<void>;

/**
 * The thread's `!` commands (DESIGN §6), by name. Each acts on the ticket, refusing in words
 * through `actx.refuse` what it cannot do; the command's own text is kept as a note by the
 * caller. `!r` and `!!shortcut` are replies, not commands: the caller handles them.
 */
const COMMANDS = new Map<string, Command>([
  ['accept', async ({ actx }) => void (await runTicketCommand(actx, { action: 'accept' }))],
  ['return', async ({ actx }) => void (await runTicketCommand(actx, { action: 'return' }))],
  ['resolve', resolve],
  ['schedule', ({ actx, args, armMessage, timeZone, envAdmins }) => scheduleCommand(actx, args, { arm: armMessage, timeZone, envAdmins })],
  ['tag', ({ actx, args }) => tagCommand(actx, args, true)],
  ['untag', ({ actx, args }) => tagCommand(actx, args, false)],
  ['contact', ({ actx, args }) => contactCommand(actx, args)],
  ['comment', ({ actx, args }) => commentCommand(actx, args)],
  ['comments', ({ actx }) => commentCommand(actx, '')],
  ['history', ({ actx }) => historyCommand(actx)],
  ['transcript', ({ actx, args }) => transcriptCommand(actx, args)],
  ['template', template],
  ['block', ({ actx }) => setContactBlocked(actx, true)],
  ['unblock', ({ actx }) => setContactBlocked(actx, false)],
  ['transfer', transfer],
  ['delete', ({ actx, args, envAdmins }) => deleteTicket(actx, args, envAdmins ?? [])],
]);

/** Runs `!name`; an unknown name is answered with the list of commands, and nothing is sent. */
export async function runThreadCommand(name: string, call: CommandCall): Promise<void> {
  const command = COMMANDS.get(name);
  if (command) return command(call);
  await call.actx.refuse(say(call.actx.locale, 'thread.unknown_command', { command: `!${name}` }));
}

/** `!resolve [silent] [reason]`, `!resolve in 30m [keep-on-reply]`, `!resolve cancel` (resolve-args.ts). */
async function resolve({ actx, args, armClose }: CommandCall): Promise<void> {
  const r = parseResolveArgs(args);
  if (r.kind === 'now') await runTicketCommand(actx, { action: 'resolve', silent: r.silent, reason: r.reason || undefined });
  else if (r.kind === 'later') await scheduleClose(actx, { ...r, arm: armClose });
  else if (r.kind === 'cancel') await cancelClose(actx);
  else await actx.refuse(say(actx.locale, 'schedule.bad_delay', { word: r.word }));
}

/** `!template <name> [params…]`: an approved template, for when the reply window has closed. */
async function template({ actx, args }: CommandCall): Promise<void> {
  const choice = parseTemplateArgs(args);
  if (choice) await sendTemplate(actx, choice);
  else await actx.refuse(say(actx.locale, 'template.usage'));
}

/**
 * `!transfer #channel [reason]`, `!transfer <department> [reason]`, `!transfer @person [confirm]`.
 * Mentions arrive as platform ids beside the text; a department may also be named.
 */
async function transfer({ actx, ev, args }: CommandCall): Promise<void> {
  const { tx, locale } = actx;
  const channelId = ev.mentions?.channels[0];
  const userId = ev.mentions?.users[0];
  const [first = '', ...rest] = args.split(/\s+/);
  const reason = rest.join(' ').replace(/\bconfirm\b/i, '').trim();
  if (userId) {
    const target = await findAgent(tx, ev.platform, userId);
    if (!target) return actx.refuse(say(locale, 'transfer.unknown_agent'));
    await transferToAgent(actx, target, /\bconfirm\b/i.test(args));
    return;
  }
  if (!first) return actx.refuse(say(locale, 'transfer.usage'));
  const byChannel = channelId ? await findDepartmentByChannel(tx, ev.platform, channelId) : undefined;
  const byName = channelId ? undefined : ((await findDepartmentByName(tx, args.trim())) ?? (await findDepartmentByName(tx, first)));
  const dept = byChannel ?? byName;
  if (!dept) return actx.refuse(say(locale, 'transfer.unknown_department', { name: first.replace(/^#/, '') }));
  const why = byName && byName.name.toLowerCase() === args.trim().toLowerCase() ? '' : reason;
  await transferToDepartment(actx, dept, why);
}
