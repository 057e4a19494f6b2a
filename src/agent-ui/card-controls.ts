import type { TicketCard } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { MORE_FORMS, type ControlId, type MoreOption } from './control-ids.js';

/** A button, and the question to answer before it acts (the bridge renders both its own way). */
export interface ButtonControl {
  type: 'button';
  id: Exclude<ControlId, 'more'>;
  label: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; yes: string; no: string };
}

/** The "More" menu: its options, in order. */
export interface MenuControl {
  type: 'menu';
  id: 'more';
  options: { id: MoreOption; label: string }[];
}

export type CardControl = ButtonControl | MenuControl;

/**
 * The ticket card's controls, in order. Only controls that work are shown: Accept while pending;
 * Transfer, Resolve and More until resolved; in More, Send template once the reply window has
 * closed (a template is then the only way to write), Return only while open, Show phone only
 * when there is one. A deleted ticket's card has none.
 */
export function cardControls(card: TicketCard, locale: Locale, now = Date.now()): CardControl[] {
  const controls: CardControl[] = [];
  if (card.deleted) return controls;
  if (card.status === 'pending') controls.push({ type: 'button', id: 'accept', label: t(locale, 'card.accept'), style: 'primary' });
  if (card.status === 'resolved') return controls;
  controls.push({ type: 'button', id: 'transfer', label: t(locale, 'card.transfer') });
  controls.push({
    type: 'button',
    id: 'resolve',
    label: t(locale, 'card.resolve'),
    confirm: resolveConfirm(locale),
  });
  const windowClosed = card.windowClosesAt !== null && Date.parse(card.windowClosesAt) <= now;
  const options: MenuControl['options'] = [
    ...(card.templates && windowClosed ? [{ id: MORE_FORMS.template, label: t(locale, 'picker.more_option') }] : []),
    ...(card.status === 'open' ? [{ id: 'return' as const, label: t(locale, 'card.more_return') }] : []),
    { id: 'contact', label: t(locale, 'card.more_contact') },
    { id: MORE_FORMS.editContact, label: t(locale, 'card.more_edit_contact') },
    { id: 'history', label: t(locale, 'card.more_history') },
    { id: 'transcript', label: t(locale, 'card.more_transcript') },
    ...(card.customerPhone ? [{ id: 'phone' as const, label: t(locale, 'card.more_phone') }] : []),
    { id: 'block', label: t(locale, 'card.more_block') },
    { id: 'unblock', label: t(locale, 'card.more_unblock') },
    // Admins only (refused to others in words); it asks for the protocol before it acts.
    { id: 'delete', label: t(locale, 'card.more_delete') },
  ];
  controls.push({ type: 'menu', id: 'more', options });
  return controls;
}

/**
 * The question Resolve asks before it acts, for a bridge whose platform asks it after the press
 * (a follow-up with its own yes/no) rather than on the button itself.
 */
export function resolveConfirm(locale: Locale): NonNullable<ButtonControl['confirm']> {
  return {
    title: t(locale, 'card.resolve_confirm_title'),
    text: t(locale, 'card.resolve_confirm_text'),
    yes: t(locale, 'card.resolve_confirm_yes'),
    no: t(locale, 'card.cancel'),
  };
}

/** The controls beside each ticket of a home list: the waiting queue's can be accepted from there. */
export function homeListControls(list: 'mine' | 'waiting', locale: Locale): ButtonControl[] {
  return list === 'waiting' ? [{ type: 'button', id: 'accept', label: t(locale, 'card.accept'), style: 'primary' }] : [];
}
