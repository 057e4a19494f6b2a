import type { ActionOrigin } from '../core/events.js';
import type { FormResult, FormSpec, FormValues } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { choicesOf, textOf } from './form-values.js';

/** The choices of the "Ticket actions" form, in the order shown. */
export const FORM_ACTIONS = ['accept', 'return', 'resolve', 'contact', 'phone', 'block', 'unblock'] as const;
type FormAction = (typeof FORM_ACTIONS)[number];
/** "Resolve later, in": the label, and the delay in milliseconds (the option's value). */
const DELAYS: [string, number][] = [['15m', 900_000], ['30m', 1_800_000], ['1h', 3_600_000], ['4h', 14_400_000], ['24h', 86_400_000]];

const isFormAction = (v: string | undefined): v is FormAction => !!v && (FORM_ACTIONS as readonly string[]).includes(v);

/**
 * "Ticket actions" (opened from a message in the thread): one action, resolve's options
 * (no farewell, keep if the customer writes, later, reason, this resolve's farewell), tags and a note.
 */
export function actionsForm(req: { ticketId: string; from?: ActionOrigin; farewell?: string | null; locale: Locale }): FormSpec {
  const { locale } = req;
  return {
    kind: 'actions',
    ticketId: req.ticketId,
    from: req.from,
    title: t(locale, 'modal.actions_title'),
    submit: t(locale, 'modal.actions_submit'),
    cancel: t(locale, 'card.cancel'),
    fields: [
      { id: 'action', type: 'select', label: t(locale, 'modal.actions_action'), options: FORM_ACTIONS.map((a) => ({ value: a, label: t(locale, `modal.action_${a}`) })) },
      {
        id: 'options',
        type: 'checkboxes',
        label: t(locale, 'modal.actions_resolve_options'),
        options: [{ value: 'silent', label: t(locale, 'modal.option_silent') }, { value: 'keep', label: t(locale, 'modal.option_keep') }],
      },
      { id: 'delay', type: 'select', label: t(locale, 'modal.actions_delay'), options: DELAYS.map(([label, ms]) => ({ value: String(ms), label })) },
      { id: 'reason', type: 'text', label: t(locale, 'modal.transfer_reason'), maxLength: 500 },
      { id: 'farewell', type: 'text', label: t(locale, 'modal.actions_farewell'), multiline: true, maxLength: 1000, initial: req.farewell ?? null },
      { id: 'tags', type: 'text', label: t(locale, 'modal.actions_tags'), maxLength: 300 },
      { id: 'note', type: 'text', label: t(locale, 'modal.actions_note'), multiline: true, maxLength: 3000 },
    ],
  };
}

/** One action (with resolve's options) and/or tags and/or a note; something must be asked. */
export function readActions(values: FormValues, locale: Locale): FormResult {
  const chosen = textOf(values, 'action');
  const note = textOf(values, 'note');
  const tags = textOf(values, 'tags');
  if (!isFormAction(chosen) && !note && !tags) return { errors: { action: t(locale, 'modal.actions_empty') } };
  const options = choicesOf(values, 'options');
  return {
    answer: {
      action: isFormAction(chosen) ? chosen : 'note',
      reason: textOf(values, 'reason'),
      silent: options.has('silent'),
      keepOnReply: options.has('keep'),
      delayMs: Number(textOf(values, 'delay')) || undefined,
      note,
      farewell: textOf(values, 'farewell'),
      tags,
    },
  };
}
