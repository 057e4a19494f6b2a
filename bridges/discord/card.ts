import type { TicketCard } from '../../src/core/ports.js';
import { isLocale, t, type Locale } from '../../src/i18n/catalog.js';
import { maskPhone } from '../../src/contacts/mask.js';
import { cardControls } from '../../src/agent-ui/card-controls.js';
import { controlRows } from './render-controls.js';
import { renderText } from './render.js';

const CHANNEL_LABEL: Record<TicketCard['channel'], string> = { whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' };
const STATUS_ICON: Record<TicketCard['status'], string> = { pending: '🟡', open: '🟢', resolved: '✅' };
const STATUS_COLOR: Record<TicketCard['status'], number> = { pending: 0xf1c40f, open: 0x2ecc71, resolved: 0x95a5a6 };

/** What the card message is: one embed, a row of buttons and the More menu, edited in place on every change. */
export interface CardMessage {
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
}

/**
 * The ticket card: an embed with the TicketCard's fields, and the core's controls for it
 * (`cardControls`: Accept while pending; Transfer, Resolve and More until resolved) rendered by
 * `controlRows`. Embed limits: title 256, field value 1024, 25 fields.
 */
export function ticketCard(card: TicketCard): CardMessage {
  const locale: Locale = isLocale(card.locale) ? card.locale : 'en';
  const field = (name: string, value: string, inline = true) => ({ name: name.slice(0, 256), value: (value || '—').slice(0, 1024), inline });
  const fields = [
    field(t(locale, 'card.protocol'), `\`${card.protocol}\``),
    field(t(locale, 'card.status'), card.deleted ? `🗑️ ${t(locale, 'status.deleted')}` : `${STATUS_ICON[card.status]} ${t(locale, `status.${card.status}`)}`),
    field(t(locale, 'card.department'), renderText(card.department)),
    field(t(locale, 'card.assignee'), card.assignee ? renderText(card.assignee) : `*${t(locale, 'card.unassigned')}*`),
  ];
  const phone = maskPhone(card.customerPhone);
  if (phone) fields.push(field(t(locale, 'card.phone'), phone));
  if (card.customerHandle) fields.push(field(t(locale, 'card.username'), renderText(`@${card.customerHandle}`)));
  if (card.windowClosesAt && card.status !== 'resolved') fields.push(field(t(locale, 'card.window'), windowState(card.windowClosesAt, locale)));
  if (card.tags.length) fields.push(field(t(locale, 'card.tags'), card.tags.map((g) => `\`${g.replace(/`/g, '')}\``).join(' ')));
  if (card.referral) fields.push(field(t(locale, 'card.referral'), renderText(card.referral), false));
  if (card.closeReason) fields.push(field(t(locale, 'card.close_reason'), renderText(card.closeReason), false));
  if (card.csat) fields.push(field(t(locale, 'card.csat'), t(locale, 'card.csat_value', { score: card.csat })));
  if (card.contactNotes) fields.push(field(t(locale, 'card.notes'), t(locale, 'card.notes_count', { count: card.contactNotes })));
  if (card.scheduledClose) {
    const when = `<t:${Math.floor(Date.parse(card.scheduledClose.at) / 1000)}:f>`;
    fields.push(field('⏰', t(locale, 'card.scheduled', { when, keep: card.scheduledClose.keepOnReply ? '' : t(locale, 'card.scheduled_unless') }), false));
  }
  if (card.inactivity) {
    const when = `<t:${Math.floor(Date.parse(card.inactivity.at) / 1000)}:f>`;
    fields.push(field('💤', t(locale, `card.inactivity_${card.inactivity.step}`, { when }), false));
  }
  if (card.previousProtocol) fields.push(field('↩', t(locale, 'card.previous', { protocol: `\`${card.previousProtocol}\`` }), false));
  const title = t(locale, 'card.title', { customer: renderText(card.customerName.slice(0, 200)), channel: CHANNEL_LABEL[card.channel] });
  const embed = { title: title.slice(0, 256), color: STATUS_COLOR[card.status], fields };
  return { embeds: [embed], components: controlRows(cardControls(card, locale), card.ticketId, locale) };
}

/** The reply window, in Discord's own timestamp markup (each viewer's time zone). */
function windowState(closesAt: string, locale: Locale, now = Date.now()): string {
  const at = Date.parse(closesAt);
  const when = `<t:${Math.floor(at / 1000)}:t>`;
  if (at <= now) return t(locale, 'card.window_closed');
  return t(locale, at - now < 2 * 3_600_000 ? 'card.window_closing' : 'card.window_open', { when });
}
