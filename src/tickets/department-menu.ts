import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import type { CustomerMessageEvent } from '../core/events.js';
import { findMessageByLink, insertInboundMessage, insertMessage } from '../messages/repository.js';
import { t, type Locale } from '../i18n/catalog.js';
import { customerLane, LaneSet } from '../pipeline/outbox.js';
import type { Outcome } from '../pipeline/outcome.js';
import { getDepartmentMenu, type DepartmentMenu } from '../departments/menu-settings.js';
import { openTicket, type Ticket } from './repository.js';
import { leaveMenu } from './menu-exit.js';

/** How long a new customer has to choose before their ticket goes to the default department. */
export const MENU_ANSWER_MINUTES = 10;
const CHOICE_PREFIX = 'dept:';

type Ctx = { capabilitiesOf(channel: string): ChannelCapabilities | undefined; locale: Locale };
type Dept = DepartmentMenu['departments'][number];

/** Lower case, accents and surrounding punctuation off: "Financeiro", "financeiro!" and "FINANCEIRO" are one answer. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');

/** The department an answer names: a tapped row's id, its number ("2", "2."), or its name; undefined otherwise. */
export function departmentOf(ev: Pick<CustomerMessageEvent, 'choiceId' | 'text' | 'kind'>, offered: Dept[]): Dept | undefined {
  if (ev.choiceId?.startsWith(CHOICE_PREFIX)) return offered.find((d) => d.id === ev.choiceId!.slice(CHOICE_PREFIX.length));
  if (ev.kind !== 'text' && !ev.choiceId) return undefined;
  const words = fold(ev.text);
  if (/^\d{1,2}$/.test(words)) return offered[Number(words) - 1];
  return offered.find((d) => fold(d.name) === words);
}

/**
 * The department menu, when a connection has it on with two departments or more. Called before
 * a customer's message finds or opens its ticket:
 *  - a new conversation (no active ticket) opens a ticket that waits, with no thread, in the
 *    connection's department; the message is kept, held back from any thread, and the customer
 *    is asked which department they want (a list to tap where the channel has one, else numbered);
 *  - a message while that ticket waits is kept and held the same way, and read as the answer:
 *    a department routes the ticket there; anything else is asked again once, and the next
 *    routes it to the default department (menu-exit.ts opens the thread, with every held message).
 * Undefined: no menu here, the message goes the normal way.
 */
export async function takeMenuTurn(
  tx: Tx,
  ev: CustomerMessageEvent,
  contact: { id: string; name: string | null },
  connection: { id: string; department_id: string },
  /** The contact's active ticket on this connection, as read in this transaction. */
  active: Ticket | undefined,
  ctx: Ctx,
): Promise<Outcome | undefined> {
  const caps = ctx.capabilitiesOf(ev.channel);
  const lanes = new LaneSet(tx);
  if (active) {
    // Only a new conversation's ingest sets menu_until, and this conversation's ingest runs one
    // message at a time: a ticket read without it is not waiting. One that is, is locked (its timer).
    if (!active.menu_until) return undefined;
    const [waiting] = await tx<{ misses: number }[]>`
      SELECT menu_misses AS misses FROM tickets WHERE id = ${active.id} AND menu_until IS NOT NULL FOR UPDATE`;
    if (!waiting) return undefined;
    await hold(tx, active.id, ev);
    const menu = await getDepartmentMenu(tx, connection.id);
    const chosen = departmentOf(ev, menu.departments);
    const customer = contact.name ?? ev.contact.name ?? ev.contact.externalId;
    if (chosen) {
      await leaveMenu(tx, { ticketId: active.id, departmentId: chosen.id, how: 'chosen', customer, caps, locale: ctx.locale, lanes });
    } else if (waiting.misses === 0 && menu.departments.length >= 2 && caps) {
      await tx`UPDATE tickets SET menu_misses = 1, menu_until = now() + make_interval(mins => ${MENU_ANSWER_MINUTES}) WHERE id = ${active.id}`;
      await ask(tx, { ticketId: active.id, menu, caps, lanes, locale: ctx.locale, again: true });
    } else {
      await leaveMenu(tx, { ticketId: active.id, departmentId: connection.department_id, how: 'invalid', customer, caps, locale: ctx.locale, lanes });
    }
    return { state: 'done', lanes: lanes.list() };
  }
  if (!caps) return undefined;
  const menu = await getDepartmentMenu(tx, connection.id);
  if (!menu.enabled || menu.departments.length < 2) return undefined;
  const opened = await openTicket(tx, { contactId: contact.id, connectionId: connection.id, departmentId: connection.department_id });
  if (!opened.created) return undefined;
  await tx`UPDATE tickets SET menu_until = now() + make_interval(mins => ${MENU_ANSWER_MINUTES}), referral = ${ev.referral ? tx.json(ev.referral) : null} WHERE id = ${opened.ticket.id}`;
  await hold(tx, opened.ticket.id, ev);
  await ask(tx, { ticketId: opened.ticket.id, menu, caps, lanes, locale: ctx.locale, again: false });
  return { state: 'done', lanes: lanes.list() };
}

/** Stores the customer's message on the waiting ticket, with no thread post yet (menu-exit.ts posts them all). */
async function hold(tx: Tx, ticketId: string, ev: CustomerMessageEvent): Promise<void> {
  const quoted = ev.replyTo ? await findMessageByLink(tx, ev.channel, ev.replyTo) : undefined;
  await insertInboundMessage(tx, {
    ticketId, body: ev.text, kind: ev.kind, occurredAt: ev.occurredAt, platform: ev.channel, externalId: ev.externalId,
    postLane: null, attachments: ev.media ?? [], quote: quoted ? quoted.body : null,
  });
}

/**
 * The question, on the customer lane: with the departments to tap where the channel offers
 * choices and every name fits, else numbered in the text. Asked again, it says it did not understand.
 */
async function ask(tx: Tx, o: { ticketId: string; menu: DepartmentMenu; caps: ChannelCapabilities; lanes: LaneSet; locale: Locale; again: boolean }): Promise<void> {
  const question = [o.again ? t(o.locale, 'menu.again') : '', o.menu.question ?? t(o.locale, 'menu.question')].filter(Boolean).join('\n');
  const options = o.menu.departments.map((d, i) => ({ id: `${CHOICE_PREFIX}${d.id}`, title: d.name, numbered: `${i + 1}. ${d.name}` }));
  const limit = o.caps.choices;
  const tappable = !!limit && limit.maxOptions >= options.length && options.every((x) => x.title.length <= limit.maxTitleLength);
  const numbered = [question, '', ...options.map((x) => x.numbered), '', t(o.locale, 'menu.answer_with_number')].join('\n');
  const messageId = await insertMessage(tx, { ticketId: o.ticketId, direction: 'outbound', body: numbered, kind: 'auto.menu', deliveryStatus: 'queued' });
  const choices = tappable ? { choices: { button: t(o.locale, 'menu.button'), options: options.map(({ id, title }) => ({ id, title })) } } : {};
  await o.lanes.add(customerLane(o.ticketId), { kind: 'customer.send', messageId, part: 0, text: tappable ? question : numbered, ...choices });
}
