import type { ActionOrigin } from '../core/events.js';
import type { FormResult, FormSpec, FormValues } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { textOf } from './form-values.js';

/** What a department asks at close: its reasons, and the contact fields with their current values. */
export interface CloseAsks {
  reasons: string[];
  fields: { name: string; required: boolean; value: string | null }[];
}

/** A close field's form id says whether it is required, since a submission comes back without its form. */
const fieldId = (f: { name: string; required: boolean }) => `cf:${f.required ? 'r' : 'o'}:${f.name}`;
const FIELD_ID = /^cf:([ro]):([a-z0-9][a-z0-9_-]{0,31})$/;

/**
 * The close form, opened by Resolve when the ticket's department has close reasons or admins ask
 * for contact fields at close: a reason picked from the list or typed, then each field prefilled
 * with its value (emptied: cleared). Required ones first, so a platform that shows only a few
 * fields keeps them.
 */
export function closeForm(req: { ticketId: string; from?: ActionOrigin; asks: CloseAsks; locale: Locale }): FormSpec {
  const { locale, asks } = req;
  const fields = [...asks.fields].sort((a, b) => Number(b.required) - Number(a.required));
  return {
    kind: 'close',
    ticketId: req.ticketId,
    from: req.from,
    title: t(locale, 'modal.close_title'),
    submit: t(locale, 'modal.close_submit'),
    cancel: t(locale, 'card.cancel'),
    fields: [
      ...fields.filter((f) => f.required).map((f) => field(f, locale)),
      ...(asks.reasons.length
        ? [{ id: 'reason', type: 'select' as const, label: t(locale, 'modal.close_reason'), options: asks.reasons.map((r) => ({ value: r, label: r })) }]
        : []),
      { id: 'reason_other', type: 'text', label: t(locale, 'modal.close_reason_other'), maxLength: 200 },
      ...fields.filter((f) => !f.required).map((f) => field(f, locale)),
    ],
  };
}

function field(f: CloseAsks['fields'][number], locale: Locale) {
  return { id: fieldId(f), type: 'text' as const, label: f.name, required: f.required, initial: f.value, maxLength: 500, hint: t(locale, 'modal.close_field_hint') };
}

/**
 * A typed reason wins over the picked one; each field's value is set, or cleared when emptied; a
 * required field left empty is refused under it. Whether a reason is needed is the core's check
 * when it resolves (the department's list may have changed since the form opened).
 */
export function readClose(values: FormValues, locale: Locale): FormResult {
  const fields: Record<string, string | null> = {};
  const errors: Record<string, string> = {};
  for (const id of Object.keys(values)) {
    const m = FIELD_ID.exec(id);
    if (!m) continue;
    const value = textOf(values, id)?.slice(0, 500) ?? null;
    if (m[1] === 'r' && !value) errors[id] = t(locale, 'modal.close_field_required', { field: m[2]! });
    fields[m[2]!] = value;
  }
  if (Object.keys(errors).length) return { errors };
  const reason = textOf(values, 'reason_other') ?? textOf(values, 'reason');
  return { answer: { action: 'resolve', ...(reason ? { reason } : {}), closeFields: fields } };
}
