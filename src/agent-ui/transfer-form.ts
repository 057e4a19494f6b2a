import type { ActionOrigin } from '../core/events.js';
import type { FormResult, FormSpec, FormValues } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { textOf } from './form-values.js';

/** The transfer form: a person or a department (the form itself is the confirmation), and an optional reason posted in the thread. */
export function transferForm(req: { ticketId: string; from?: ActionOrigin; departments: { id: string; name: string }[]; locale: Locale }): FormSpec {
  const { locale } = req;
  return {
    kind: 'transfer',
    ticketId: req.ticketId,
    from: req.from,
    title: t(locale, 'modal.transfer_title'),
    submit: t(locale, 'modal.transfer_submit'),
    cancel: t(locale, 'card.cancel'),
    fields: [
      { id: 'agent', type: 'user', label: t(locale, 'modal.transfer_person'), placeholder: t(locale, 'modal.transfer_person_hint') },
      ...(req.departments.length
        ? [{
            id: 'department',
            type: 'select' as const,
            label: t(locale, 'modal.transfer_department'),
            placeholder: t(locale, 'modal.transfer_department_hint'),
            options: req.departments.map((d) => ({ value: d.id, label: d.name })),
          }]
        : []),
      { id: 'reason', type: 'text', label: t(locale, 'modal.transfer_reason'), maxLength: 500 },
    ],
  };
}

/** Exactly one of a person and a department; the reason is optional. */
export function readTransfer(values: FormValues, locale: Locale): FormResult {
  const userId = textOf(values, 'agent');
  const departmentId = textOf(values, 'department');
  if (!userId === !departmentId) return { errors: { agent: t(locale, 'modal.transfer_pick_one') } };
  return { answer: { action: 'transfer', target: userId ? { userId } : { departmentId: departmentId! }, reason: textOf(values, 'reason') } };
}
