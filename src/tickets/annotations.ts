import { code, joinRich, type Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import { atHandle, maskPhone } from '../contacts/mask.js';
import { addContactNote, contactNotes } from '../contacts/notes.js';
import { formatComments } from './comments.js';
import { insertNotice } from '../messages/repository.js';
import { addTags, normaliseTags, removeTags, tagsOf, type Tagged } from '../tags/repository.js';
import { say, type Locale } from '../i18n/catalog.js';
import { agentLane, type LaneSet } from '../pipeline/outbox.js';
import type { ActionContext } from './transitions.js';

async function notice(ctx: ActionContext, text: Rich): Promise<void> {
  const id = await insertNotice(ctx.tx, ctx.ticket.id, text);
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'thread.post', messageId: id });
}

/**
 * `!tag a b` / `!untag a` on the ticket, and `!contact tag|untag a` on the customer (shown on all
 * their tickets): refused in words when a tag is not a tag; the card is updated either way.
 */
export async function tagCommand(ctx: ActionContext, args: string, add: boolean, on: 'ticket' | 'contact' = 'ticket'): Promise<void> {
  const { ok, bad } = normaliseTags(args.split(/[\s,]+/));
  if (bad.length) return ctx.refuse(say(ctx.locale, 'tags.bad', { tags: bad.join(', ') }));
  if (ok.length === 0) return ctx.refuse(say(ctx.locale, on === 'ticket' ? 'tags.usage' : 'contact.usage'));
  const of: Tagged = on === 'ticket' ? { ticketId: ctx.ticket.id } : { contactId: ctx.ticket.contact_id };
  if (add) await addTags(ctx.tx, of, ok);
  else await removeTags(ctx.tx, of, ok);
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
  if (on === 'contact') return notice(ctx, say(ctx.locale, 'contact.updated'));
  const now = await tagsOf(ctx.tx, of);
  await notice(ctx, now.length ? say(ctx.locale, 'tags.now', { tags: joinRich(now.map(code), ' ') }) : say(ctx.locale, 'tags.none'));
}

/**
 * `!contact` shows what we know about the customer; `!contact note <text>` keeps a note that
 * follows them; `!contact name|email <value>` and `!contact set|unset <field> [value]` edit them.
 */
export async function contactCommand(ctx: ActionContext, args: string): Promise<void> {
  const edit = /^(name|email|set|unset)\b\s*([\s\S]*)$/i.exec(args.trim());
  if (edit) return editContact(ctx, edit[1]!.toLowerCase(), edit[2]!.trim());
  const tagging = /^(tag|untag)\b\s*([\s\S]*)$/i.exec(args.trim());
  if (tagging) return tagCommand(ctx, tagging[2]!, tagging[1]!.toLowerCase() === 'tag', 'contact');
  const note = /^note\b\s*([\s\S]*)$/i.exec(args.trim());
  if (note) {
    const body = note[1]!.trim();
    if (!body) return ctx.refuse(say(ctx.locale, 'contact.usage'));
    await addContactNote(ctx.tx, { contactId: ctx.ticket.contact_id, ticketId: ctx.ticket.id, authorAgentId: ctx.agent.id, body });
    await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
    return notice(ctx, say(ctx.locale, 'contact.noted'));
  }
  if (args.trim()) return ctx.refuse(say(ctx.locale, 'contact.usage'));
  const [c] = await ctx.tx<{ name: string | null; phone: string | null; username: string | null; external_id: string; channel: string; blocked: boolean; email: string | null; custom_fields: Record<string, string> }[]>`
    SELECT name, phone, username, external_id, channel, blocked, email, custom_fields FROM contacts WHERE id = ${ctx.ticket.contact_id}`;
  if (!c) return;
  const notes = await contactNotes(ctx.tx, ctx.ticket.contact_id, ctx.ticket.id);
  await notice(
    ctx,
    say(ctx.locale, 'contact.summary', {
      name: c.name ?? c.external_id,
      phone: maskPhone(c.phone) ?? '—',
      channel: c.channel,
      blocked: c.blocked ? say(ctx.locale, 'contact.blocked') : '',
      details: [
        atHandle(c.username) ?? '',
        c.email ? `e-mail: ${c.email}` : '',
        ...Object.entries(c.custom_fields).map(([k, v]) => `${k}: ${v}`),
        ...(await tagsOf(ctx.tx, { contactId: ctx.ticket.contact_id })).map((g) => `#${g}`),
      ]
        .filter(Boolean)
        .map((l) => `\n${l}`)
        .join(''),
      notes: notes.length ? formatComments(notes, ctx.locale) : say(ctx.locale, 'contact.no_notes'),
    }),
  );
}

/** On a contact's new ticket: their general comments, highlighted, right under the card. */
export async function postContactNotes(tx: Tx, o: { ticketId: string; contactId: string; locale: Locale; lanes: LaneSet }): Promise<void> {
  const notes = await contactNotes(tx, o.contactId, o.ticketId);
  if (notes.length === 0) return;
  const id = await insertNotice(tx, o.ticketId, joinRich([say(o.locale, 'contact.notes_header'), formatComments(notes, o.locale)], '\n'));
  await o.lanes.add(agentLane(o.ticketId), { kind: 'thread.post', messageId: id });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FIELD = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

async function editContact(ctx: ActionContext, what: string, value: string): Promise<void> {
  const id = ctx.ticket.contact_id;
  if (what === 'name') {
    if (!value || value.length > 120) return ctx.refuse(say(ctx.locale, 'contact.usage'));
    await ctx.tx`UPDATE contacts SET name = ${value}, name_edited = true, updated_at = now() WHERE id = ${id}`;
  } else if (what === 'email') {
    if (!EMAIL.test(value)) return ctx.refuse(say(ctx.locale, 'contact.bad_email', { value: value }));
    await ctx.tx`UPDATE contacts SET email = ${value}, updated_at = now() WHERE id = ${id}`;
  } else {
    const [field = '', ...rest] = value.split(/\s+/);
    const fieldValue = rest.join(' ').trim();
    if (!FIELD.test(field) || (what === 'set' && !fieldValue)) return ctx.refuse(say(ctx.locale, 'contact.usage'));
    if (what === 'set') await ctx.tx`UPDATE contacts SET custom_fields = custom_fields || ${ctx.tx.json({ [field.toLowerCase()]: fieldValue.slice(0, 500) })}, updated_at = now() WHERE id = ${id}`;
    else await ctx.tx`UPDATE contacts SET custom_fields = custom_fields - ${field.toLowerCase()}, updated_at = now() WHERE id = ${id}`;
  }
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
  return notice(ctx, say(ctx.locale, 'contact.updated'));
}

/** The contact form's result: the form shows every field, so what it sends replaces them. */
export async function saveContactDetails(ctx: ActionContext, c: { name: string | null; email: string | null; fields: Record<string, string> }): Promise<void> {
  await ctx.tx`
    UPDATE contacts SET
      name = COALESCE(${c.name}, name), name_edited = name_edited OR ${c.name !== null},
      email = ${c.email}, custom_fields = ${ctx.tx.json(c.fields)}, updated_at = now()
    WHERE id = ${ctx.ticket.contact_id}`;
  await ctx.lanes.add(agentLane(ctx.ticket.id), { kind: 'card.update', ticketId: ctx.ticket.id });
  await notice(ctx, say(ctx.locale, 'contact.updated'));
}
