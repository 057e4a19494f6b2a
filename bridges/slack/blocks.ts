import type { TicketCard } from '../../src/core/ports.js';
import { isLocale, t, type Locale } from '../../src/i18n/catalog.js';
import { escapeForSlack } from './mrkdwn.js';
import { maskPhone } from '../../src/contacts/mask.js';
import { cardControls } from '../../src/agent-ui/card-controls.js';
import { controlElement } from './render-controls.js';

const CHANNEL_LABEL: Record<TicketCard['channel'], string> = { whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' };
const STATUS_ICON: Record<TicketCard['status'], string> = { pending: ':large_yellow_circle:', open: ':large_green_circle:', resolved: ':white_check_mark:' };

export { maskPhone };

/** The ticket card (Block Kit): the thread root, updated in place on every change. */
export function ticketCardBlocks(card: TicketCard): { text: string; blocks: unknown[] } {
  const locale: Locale = isLocale(card.locale) ? card.locale : 'en';
  // Block Kit section text is limited to 3000 characters; names are short, but not always.
  const customer = escapeForSlack(truncate(card.customerName, 200));
  const channel = CHANNEL_LABEL[card.channel];
  const status = t(locale, card.deleted ? 'status.deleted' : `status.${card.status}`);
  const fields = [
    [t(locale, 'card.protocol'), `\`${card.protocol}\``],
    [t(locale, 'card.status'), `${card.deleted ? ':wastebasket:' : STATUS_ICON[card.status]} ${status}`],
    [t(locale, 'card.department'), escapeForSlack(card.department)],
    [t(locale, 'card.assignee'), card.assignee ? escapeForSlack(card.assignee) : `_${t(locale, 'card.unassigned')}_`],
  ];
  const phone = maskPhone(card.customerPhone);
  if (phone) fields.push([t(locale, 'card.phone'), phone]);
  if (card.customerHandle) fields.push([t(locale, 'card.username'), escapeForSlack(`@${card.customerHandle}`)]);
  if (card.windowClosesAt && card.status !== 'resolved') fields.push([t(locale, 'card.window'), windowState(card.windowClosesAt, locale)]);
  if (card.tags.length) fields.push([t(locale, 'card.tags'), card.tags.map((g) => `\`${g}\``).join(' ')]);
  if (card.referral) fields.push([t(locale, 'card.referral'), escapeForSlack(card.referral)]);
  if (card.closeReason) fields.push([t(locale, 'card.close_reason'), escapeForSlack(card.closeReason)]);
  if (card.csat) fields.push([t(locale, 'card.csat'), t(locale, 'card.csat_value', { score: card.csat })]);
  if (card.contactNotes) fields.push([t(locale, 'card.notes'), t(locale, 'card.notes_count', { count: card.contactNotes })]);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${t(locale, 'card.title', { customer, channel })}*` } },
    { type: 'section', fields: fields.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
  ];
  if (card.scheduledClose) {
    // Slack renders <!date^…> in each viewer's own time zone; the fallback is UTC.
    const epoch = Math.floor(Date.parse(card.scheduledClose.at) / 1000);
    const when = `<!date^${epoch}^{date_short_pretty} {time}|${card.scheduledClose.at.slice(0, 16).replace('T', ' ')} UTC>`;
    const keep = card.scheduledClose.keepOnReply ? '' : t(locale, 'card.scheduled_unless');
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'card.scheduled', { when, keep }) }] });
  }
  if (card.inactivity) {
    const epoch = Math.floor(Date.parse(card.inactivity.at) / 1000);
    const when = `<!date^${epoch}^{date_short_pretty} {time}|${card.inactivity.at.slice(0, 16).replace('T', ' ')} UTC>`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, `card.inactivity_${card.inactivity.step}`, { when }) }] });
  }
  const buttons = cardButtons(card, locale);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'ponte_ticket', elements: buttons });
  if (card.previousProtocol) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'card.previous', { protocol: `\`${card.previousProtocol}\`` }) }] });
  }
  return { text: t(locale, 'card.fallback', { protocol: card.protocol, customer, channel, status }), blocks };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The core's controls for this card (src/agent-ui/card-controls.ts) as Block Kit elements. */
function cardButtons(card: TicketCard, locale: Locale): unknown[] {
  return cardControls(card, locale).map((c) => controlElement(c, card.ticketId, { moreLabel: t(locale, 'card.more') }));
}

/** The reply window: open (until when), closing soon (under 2 h left), or closed (templates only). */
function windowState(closesAt: string, locale: Locale, now = Date.now()): string {
  const at = Date.parse(closesAt);
  const when = `<!date^${Math.floor(at / 1000)}^{time}|${closesAt.slice(11, 16)} UTC>`;
  if (at <= now) return t(locale, 'card.window_closed');
  return t(locale, at - now < 2 * 3_600_000 ? 'card.window_closing' : 'card.window_open', { when });
}
