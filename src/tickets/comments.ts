import { joinRich, rich, type Rich, type Span } from '../core/rich-text.js';
import { insertNotice } from '../messages/repository.js';
import { addContactNote, contactNotes, deleteContactNote, editContactNote, type ContactNote } from '../contacts/notes.js';
import { say, type Locale } from '../i18n/catalog.js';
import { agentLane } from '../pipeline/outbox.js';
import type { ActionContext } from './transitions.js';

async function notice(ctx: ActionContext, text: Rich): Promise<void> {
  const id = await insertNotice(ctx.tx, ctx.ticket.id, text);
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'thread.post', messageId: id });
}

/**
 * Contact comments, highlighted: one quoted line each, with its number (for edit and delete),
 * its words, who wrote it and when, and whether it is for this conversation only.
 */
export function formatComments(notes: ContactNote[], locale: Locale): Rich {
  const lines: Span[] = notes.map((n) => ({
    quote: say(locale, 'comment.line', {
      marker: n.scope === 'general' ? '📌' : '💬',
      n: n.id,
      body: n.body,
      author: n.author ?? '?',
      date: n.created_at.toISOString().slice(0, 10),
      edited: n.edited_at ? say(locale, 'comment.edited', { date: n.edited_at.toISOString().slice(0, 10) }) : '',
      here: n.scope === 'conversation' ? say(locale, 'comment.here_only') : '',
    }),
  }));
  return joinRich(lines, '\n');
}

/**
 * `!comment <text>` (on the contact: every ticket of theirs shows it), `!comment here <text>`
 * (this conversation only), `!comment edit <n> <text>`, `!comment delete <n>`, and `!comment`
 * (or `!comments`) to list the ones this ticket shows.
 */
export async function commentCommand(ctx: ActionContext, args: string): Promise<void> {
  const words = args.trim();
  const { locale } = ctx;
  const contactId = ctx.ticket.contact_id;
  if (!words || /^list$/i.test(words)) return listComments(ctx);
  const edit = /^edit\s+#?(\d+)\s+([\s\S]+)$/i.exec(words);
  if (edit) {
    const ok = await editContactNote(ctx.tx, { id: edit[1]!, contactId, body: edit[2]!.trim(), agentId: ctx.agent.id });
    if (!ok) return ctx.refuse(say(locale, 'comment.not_found', { n: edit[1]! }));
    return changed(ctx, say(locale, 'comment.edited_done', { n: edit[1]! }));
  }
  const del = /^delete\s+#?(\d+)\s*$/i.exec(words);
  if (del) {
    const ok = await deleteContactNote(ctx.tx, { id: del[1]!, contactId });
    if (!ok) return ctx.refuse(say(locale, 'comment.not_found', { n: del[1]! }));
    return changed(ctx, say(locale, 'comment.deleted', { n: del[1]! }));
  }
  if (/^(edit|delete)\b/i.test(words)) return ctx.refuse(say(locale, 'comment.usage'));
  const here = /^here\b\s*([\s\S]*)$/i.exec(words);
  const body = here ? here[1]!.trim() : words;
  if (!body) return ctx.refuse(say(locale, 'comment.usage'));
  const n = await addContactNote(ctx.tx, { contactId, ticketId: ctx.ticket.id, authorAgentId: ctx.agent.id, body, scope: here ? 'conversation' : 'general' });
  return changed(ctx, say(locale, here ? 'comment.added_here' : 'comment.added', { n }));
}

async function changed(ctx: ActionContext, text: Rich): Promise<void> {
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
  await notice(ctx, text);
}

async function listComments(ctx: ActionContext): Promise<void> {
  const notes = await contactNotes(ctx.tx, ctx.ticket.contact_id, ctx.ticket.id);
  await notice(ctx, notes.length ? joinRich([say(ctx.locale, 'comment.list_header'), formatComments(notes, ctx.locale)], '\n') : rich(say(ctx.locale, 'contact.no_notes')));
}
