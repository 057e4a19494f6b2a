import { code, type Rich } from '../core/rich-text.js';
import type { Db } from '../db/connect.js';
import type { Agent } from '../agents/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { parseTemplateArgs, type TemplateChoice } from '../tickets/template-send.js';
import { parseWhen, formatLocal } from './when.js';
import { cancelScheduled, editScheduled, insertScheduled, lockPendingFor, type Change } from './scheduled-store.js';
import { findTarget, type Target } from './schedule-target.js';
import type { ArmMessage } from './scheduled-messages.js';

/** Who is scheduling, and how they read time. Shared by `!schedule` and `/ponte schedule`. */
export interface Scheduler {
  db: Db;
  agent: Agent;
  isAdmin: boolean;
  locale: Locale;
  /** The agent's zone, else the workspace's. */
  zone: string;
  /** Where a command was typed (picks the WhatsApp number for a phone). */
  channelId?: string;
  arm?: ArmMessage;
}

/** An answer, and whether it is a refusal (nothing changed). */
export interface Answer {
  ok: boolean;
  text: Rich;
}

const refused = (text: Rich): Answer => ({ ok: false, text });

/** `<when> <text>` or `<when> template <name> [params…]`, to a contact (and their ticket, from a thread). */
export async function scheduleNew(s: Scheduler, to: Target & { ticketId: string | null }, words: string, usage: Rich): Promise<Answer> {
  const when = parseWhen(words, s.zone);
  if ('error' in when) return refused(whenRefusal(s, when, usage));
  const what = readWhat(when.rest);
  if (!what) return refused(usage);
  const row = await insertScheduled(s.db, { ticketId: to.ticketId, contactId: to.contactId, connectionId: to.connectionId, authorId: s.agent.id, at: when.at, ...what });
  await s.arm?.(row.id, when.at).catch(() => {}); // early wake-ups find the row not yet due; the sweeper backs it up
  const how = what.template ? say(s.locale, 'scheduled.as_template', { name: code(what.template.name) }) : [];
  const vars = { id: row.id, when: formatLocal(when.at, s.zone), contact: to.label, how };
  return { ok: true, text: say(s.locale, to.ticketId ? 'scheduled.set' : 'scheduled.set_for', vars) };
}

/** `edit <n> text <new text>` · `time <when>` · `template <name> [params]|none` · `to <phone|name>`. */
export async function editVerb(s: Scheduler, words: string, usage: Rich): Promise<Answer> {
  const m = /^#?(\S+)\s+(text|texto|time|hora|template|to|para)\b\s*([\s\S]*)$/i.exec(words.trim());
  if (!m) return refused(usage);
  const [, id, field, value] = m as unknown as [string, string, string, string];
  const row = await lockPendingFor(s.db, id, s.agent, s.isAdmin);
  if (typeof row === 'string') return refused(say(s.locale, `scheduled.${row}`, { id }));
  let change: Change;
  const kind = field.toLowerCase();
  if (kind === 'text' || kind === 'texto') {
    if (!value.trim()) return refused(usage);
    change = { text: value.trim() };
  } else if (kind === 'time' || kind === 'hora') {
    const when = parseWhen(value, s.zone);
    if ('error' in when) return refused(whenRefusal(s, when, usage));
    if (when.rest) return refused(usage);
    change = { at: when.at };
  } else if (kind === 'template') {
    const choice = /^(none|nenhum)$/i.test(value.trim()) ? null : parseTemplateArgs(value);
    if (choice === undefined) return refused(usage);
    if (choice === null && !row.body) return refused(say(s.locale, 'scheduled.needs_something'));
    change = { template: choice };
  } else {
    const target = await findTarget(s.db, value.trim(), s.channelId);
    if (typeof target === 'string') return refused(say(s.locale, `scheduled.${target}`, { who: value.trim() }));
    change = { contactId: target.contactId, connectionId: target.connectionId };
  }
  const after = await editScheduled(s.db, row.id, change);
  if ('at' in change) await s.arm?.(after.id, change.at).catch(() => {});
  return { ok: true, text: say(s.locale, 'scheduled.edited', { id: after.id, when: formatLocal(after.send_at, s.zone) }) };
}

/** `cancel <n>`: only while pending, by its author or an admin. */
export async function cancelVerb(s: Scheduler, id: string): Promise<Answer> {
  const row = await lockPendingFor(s.db, id.replace(/^#/, ''), s.agent, s.isAdmin);
  if (typeof row === 'string') return refused(say(s.locale, `scheduled.${row}`, { id }));
  await cancelScheduled(s.db, row.id);
  return { ok: true, text: say(s.locale, 'scheduled.cancelled_one', { id: row.id }) };
}

/** What goes: a text, or (`template <name> [params…]`) a template alone. */
function readWhat(rest: string): { body: string; template: TemplateChoice | null } | undefined {
  const tpl = /^template\s+([\s\S]+)$/i.exec(rest);
  if (tpl) {
    const choice = parseTemplateArgs(tpl[1]!);
    return choice ? { body: '', template: choice } : undefined;
  }
  return rest ? { body: rest, template: null } : undefined;
}

function whenRefusal(s: Scheduler, r: { error: 'syntax' | 'past' | 'too_far'; at?: Date }, usage: Rich): Rich {
  if (r.error === 'past') return say(s.locale, 'scheduled.past', { when: formatLocal(r.at!, s.zone) });
  if (r.error === 'too_far') return say(s.locale, 'scheduled.too_far');
  return usage;
}
