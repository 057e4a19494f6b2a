import type { ButtonControl, CardControl } from '../../src/agent-ui/card-controls.js';
import { t, type Locale } from '../../src/i18n/catalog.js';
import { controlId, type Control } from './ids.js';
import { noMentions, renderText } from './render.js';

/** Discord's limits (components/reference): 5 buttons a row, label 80; a select's 25 options, label/value 100, placeholder 150. */
const MAX_BUTTONS = 5;
const MAX_OPTIONS = 25;
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Button styles: Primary 1, Secondary 2, Success 3, Danger 4. */
const STYLE = { primary: 1, danger: 4 } as const;

/** The control a button's confirmation acts as ("Yes, resolve"). */
const CONFIRMED: Partial<Record<ButtonControl['id'], Control>> = { resolve: 'resolve-yes' };

export type ActionRow = { type: 1; components: Record<string, unknown>[] };

/**
 * The core's controls → message components: the buttons in one row (in order), and the More
 * menu as a string select in a row of its own (Discord allows one select per row), its
 * placeholder "More", each option's value the core's option id. A button's confirmation is not
 * on the button (Discord has none): pressing it asks first (`confirmQuestion`).
 */
export function controlRows(controls: CardControl[], ticketId: string, locale: Locale): ActionRow[] {
  const buttons = controls.filter((c): c is ButtonControl => c.type === 'button').slice(0, MAX_BUTTONS);
  const rows: ActionRow[] = buttons.length ? [{ type: 1, components: buttons.map((b) => button(b, ticketId)) }] : [];
  for (const menu of controls) {
    if (menu.type !== 'menu' || !menu.options.length) continue;
    rows.push({
      type: 1,
      components: [{
        type: 3,
        custom_id: controlId(menu.id, ticketId),
        placeholder: cut(t(locale, 'card.more'), 150),
        min_values: 1,
        max_values: 1,
        options: menu.options.slice(0, MAX_OPTIONS).map((o) => ({ label: cut(o.label, 100), value: o.id })),
      }],
    });
  }
  return rows;
}

function button(b: ButtonControl, ticketId: string): Record<string, unknown> {
  return { type: 2, style: b.style ? STYLE[b.style] : 2, label: cut(b.label, 80), custom_id: controlId(b.id, ticketId) };
}

/** Under a notice that a free-text reply could not go: "Send a template", which opens the picker. */
export function templateOfferRows(ticketId: string, locale: Locale): ActionRow[] {
  return controlRows([{ type: 'button', id: 'templates', label: t(locale, 'picker.offer_button'), style: 'primary' }], ticketId, locale);
}

/** Whether a press of this button asks first. */
export function asksFirst(control: Control): boolean {
  return control in CONFIRMED;
}

/**
 * The question a button with a confirmation asks, as an ephemeral answer to its press: the
 * title and text, then "yes" (acts as the control) and "no" (changes nothing).
 */
export function confirmQuestion(control: ButtonControl['id'], confirm: NonNullable<ButtonControl['confirm']>, ticketId: string): Record<string, unknown> {
  const yes = CONFIRMED[control];
  if (!yes) throw new Error(`the ${control} control asks no question`);
  return {
    content: `**${renderText(confirm.title)}**\n${renderText(confirm.text)}`.slice(0, 2000),
    flags: 64,
    allowed_mentions: noMentions,
    components: [{
      type: 1,
      components: [
        { type: 2, style: STYLE.danger, label: cut(confirm.yes, 80), custom_id: controlId(yes, ticketId) },
        { type: 2, style: 2, label: cut(confirm.no, 80), custom_id: controlId('cancel', ticketId) },
      ],
    }],
  };
}
