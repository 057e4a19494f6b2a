import { channel, joinRich, rich, text as words, type Rich, type Span } from '../core/rich-text.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { ThreadRef } from '../core/ports.js';
import { maskPhone } from '../contacts/mask.js';
import { findDepartmentByChannel, findDepartmentByName } from '../departments/repository.js';
import { findTickets, type FoundTicket, type TicketQuery } from '../tickets/finder.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import type { CommandToken } from './tokens.js';

/** A link to a ticket's thread (the bridge's `threadLink`): a link span, or just the label. */
export type ThreadLinker = (platform: AgentPlatform, thread: ThreadRef, label: string) => Promise<Span>;

interface Ctx {
  platform: AgentPlatform;
  userId: string;
  locale: Locale;
}

const LIMIT = 15;
const SCOPES = new Set(['pending', 'open', 'mine', 'all']);
const CHANNELS = new Set(['whatsapp', 'messenger', 'instagram']);

/**
 * `/ponte tickets [pending|mine|open|all] [#department|department] [@agent] [whatsapp|…] [oldest]`:
 * the queue, newest activity first (or oldest opening first), each with a link to its thread.
 */
export async function ticketsCommand(sql: Sql, ctx: Ctx, args: CommandToken[], link: ThreadLinker | undefined): Promise<Rich> {
  const q: TicketQuery = { scope: 'pending', platform: ctx.platform, userId: ctx.userId, sort: 'latest', limit: LIMIT };
  for (const arg of args) {
    if (arg.type === 'channel') {
      const dept = await findDepartmentByChannel(sql, ctx.platform, arg.id);
      if (!dept) return say(ctx.locale, 'tickets.unknown_filter', { filter: channel(arg.id) });
      q.departmentId = dept.id;
    } else if (arg.type === 'user') {
      q.assigneeUserId = arg.id;
      if (q.scope === 'pending') q.scope = 'active';
    } else if (arg.type === 'word') {
      const w = arg.value.toLowerCase();
      if (SCOPES.has(w)) q.scope = w === 'all' ? 'all' : (w as TicketQuery['scope']);
      else if (CHANNELS.has(w)) q.channel = w;
      else if (w === 'oldest' || w === 'latest') q.sort = w;
      else if (w.startsWith('tag:') && w.length > 4) q.tag = w.slice(4);
      else {
        const dept = await findDepartmentByName(sql, arg.value);
        if (!dept) return say(ctx.locale, 'tickets.unknown_filter', { filter: arg.value });
        q.departmentId = dept.id;
      }
    } else {
      return say(ctx.locale, 'tickets.unknown_filter', { filter: arg.raw });
    }
  }
  const found = await findTickets(sql, q);
  if (found.length === 0) return say(ctx.locale, 'tickets.none');
  return joinRich([say(ctx.locale, 'tickets.title', { count: found.length }), ...(await lines(found, ctx, link))], '\n');
}

/** `/ponte search <name | phone | protocol>`: active tickets first, then the most recent. */
export async function searchCommand(sql: Sql, ctx: Ctx, text: string, link: ThreadLinker | undefined): Promise<Rich> {
  const query = text.trim();
  if (query.length < 2) return say(ctx.locale, 'search.usage');
  const found = await findTickets(sql, { scope: 'all', platform: ctx.platform, userId: ctx.userId, text: query, sort: 'latest', limit: LIMIT });
  if (found.length === 0) return say(ctx.locale, 'search.none', { query });
  return joinRich([say(ctx.locale, 'search.title', { query, count: found.length }), ...(await lines(found, ctx, link))], '\n');
}

async function lines(found: FoundTicket[], ctx: Ctx, link: ThreadLinker | undefined): Promise<Rich[]> {
  return Promise.all(
    found.map(async (f) => {
      const label = f.protocol;
      const linked = f.thread && link ? await link(ctx.platform, f.thread, label).catch(() => words(label)) : words(label);
      const who = f.assignee ? f.assignee : t(ctx.locale, 'card.unassigned');
      const phone = maskPhone(f.phone);
      // Names, phones and department names are words, never markup (the bridge escapes them): a
      // customer's name cannot ping or link.
      const rest = `${f.customer}${phone ? ` (${phone})` : ''} · ${t(ctx.locale, `status.${f.status}`)} · ${f.department} · ${who}`;
      return rich('• ', linked, ` · ${rest}`);
    }),
  );
}
