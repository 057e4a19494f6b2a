import { channel, joinRich, rich, text as words, type Rich, type Span } from '../core/rich-text.js';
import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { ThreadRef } from '../core/ports.js';
import { maskPhone } from '../contacts/mask.js';
import { findDepartmentByChannel, findDepartmentByName } from '../departments/repository.js';
import { findTicketPage, findTickets, type FoundTicket, type TicketQuery } from '../tickets/finder.js';
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
/** `/ponte tickets` shows this many per page ("page N of M"). */
export const PAGE_SIZE = 10;
/** Views: `inbox` (nobody's, or my departments'), `open`/`serving` (an agent has it), `mine`, `pending`, `all`. */
const VIEWS: Record<string, TicketQuery['scope']> = { pending: 'pending', open: 'open', serving: 'open', mine: 'mine', all: 'all', inbox: 'inbox' };
const SORTS = new Set(['latest', 'earliest', 'newest', 'oldest']);
const CHANNELS = new Set(['whatsapp', 'messenger', 'instagram']);
/** `name:value` (or `name=value`, as Discord's typed options arrive) filters. */
const KEYED = /^(tag|number|campaign|page|sort|view)[:=](.+)$/i;

/**
 * `/ponte tickets [view] [sort] [filters…] [page N]`: a view (pending, inbox, open, mine, all), a
 * sort (latest or earliest message, newest or oldest opening), and filters (a department by
 * #channel or name, an @agent, a customer channel, `number:<account>`, `tag:<tag>`,
 * `campaign:<ad>`), ten a page, each ticket with a link to its thread.
 */
export async function ticketsCommand(sql: Sql, ctx: Ctx, args: CommandToken[], link: ThreadLinker | undefined): Promise<Rich> {
  const q: TicketQuery = { scope: 'pending', platform: ctx.platform, userId: ctx.userId, sort: 'latest', limit: PAGE_SIZE };
  let page = 1;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg.type === 'channel') {
      const dept = await findDepartmentByChannel(sql, ctx.platform, arg.id);
      if (!dept) return say(ctx.locale, 'tickets.unknown_filter', { filter: channel(arg.id) });
      q.departmentId = dept.id;
    } else if (arg.type === 'user') {
      q.assigneeUserId = arg.id;
      if (q.scope === 'pending') q.scope = 'active';
    } else if (arg.type === 'word') {
      const w = arg.value.toLowerCase();
      const keyed = KEYED.exec(arg.value);
      const next = args[i + 1];
      if (w === 'page' && next?.type === 'word' && /^\d+$/.test(next.value)) {
        page = Number(next.value);
        i += 1;
      } else if (keyed) {
        const [, key, value] = keyed as unknown as [string, string, string];
        const k = key.toLowerCase();
        if (k === 'tag') q.tag = value.toLowerCase();
        else if (k === 'number') q.account = value;
        else if (k === 'campaign') q.campaign = value;
        else if (k === 'page' && /^\d+$/.test(value)) page = Number(value);
        else if (k === 'sort' && SORTS.has(value.toLowerCase())) q.sort = value.toLowerCase() as TicketQuery['sort'];
        else if (k === 'view' && VIEWS[value.toLowerCase()]) q.scope = VIEWS[value.toLowerCase()]!;
        else return say(ctx.locale, 'tickets.unknown_filter', { filter: arg.value });
      } else if (VIEWS[w]) q.scope = VIEWS[w];
      else if (CHANNELS.has(w)) q.channel = w;
      else if (SORTS.has(w)) q.sort = w as TicketQuery['sort'];
      else {
        const dept = await findDepartmentByName(sql, arg.value);
        if (!dept) return say(ctx.locale, 'tickets.unknown_filter', { filter: arg.value });
        q.departmentId = dept.id;
      }
    } else {
      return say(ctx.locale, 'tickets.unknown_filter', { filter: arg.raw });
    }
  }
  page = Math.max(1, page);
  const { found, total } = await findTicketPage(sql, { ...q, offset: (page - 1) * PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (found.length === 0) return total > 0 ? say(ctx.locale, 'tickets.past_end', { page, pages }) : say(ctx.locale, 'tickets.none');
  const footer = pages > 1 ? [say(ctx.locale, 'tickets.page', { page, pages, next: page < pages ? say(ctx.locale, 'tickets.next', { page: page + 1 }) : '' })] : [];
  return joinRich([say(ctx.locale, 'tickets.title', { count: total }), ...(await lines(found, ctx, link)), ...footer], '\n');
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
