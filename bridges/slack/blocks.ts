import type { TicketCard } from '../../src/core/ports.js';
import { isLocale, t, type Locale } from '../../src/i18n/catalog.js';
import { escapeForSlack } from './mrkdwn.js';

const CHANNEL_LABEL: Record<TicketCard['channel'], string> = { whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' };
const STATUS_ICON: Record<TicketCard['status'], string> = { pending: ':large_yellow_circle:', open: ':large_green_circle:', resolved: ':white_check_mark:' };

/** Shows only the last four digits: the card is visible to the whole channel. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length > 4 ? `•••• ${digits.slice(-4)}` : '••••';
}

/** The ticket card (Block Kit): the thread root, updated in place on every change. */
export function ticketCardBlocks(card: TicketCard): { text: string; blocks: unknown[] } {
  const locale: Locale = isLocale(card.locale) ? card.locale : 'en';
  // Block Kit section text is limited to 3000 characters; names are short, but not always.
  const customer = escapeForSlack(truncate(card.customerName, 200));
  const channel = CHANNEL_LABEL[card.channel];
  const status = t(locale, `status.${card.status}`);
  const fields = [
    [t(locale, 'card.protocol'), `\`${card.protocol}\``],
    [t(locale, 'card.status'), `${STATUS_ICON[card.status]} ${status}`],
    [t(locale, 'card.department'), escapeForSlack(card.department)],
    [t(locale, 'card.assignee'), card.assignee ? escapeForSlack(card.assignee) : `_${t(locale, 'card.unassigned')}_`],
  ];
  const phone = maskPhone(card.customerPhone);
  if (phone) fields.push([t(locale, 'card.phone'), phone]);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${t(locale, 'card.title', { customer, channel })}*` } },
    { type: 'section', fields: fields.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
  ];
  if (card.previousProtocol) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'card.previous', { protocol: `\`${card.previousProtocol}\`` }) }] });
  }
  return { text: t(locale, 'card.fallback', { protocol: card.protocol, customer, channel, status }), blocks };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
