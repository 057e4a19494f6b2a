import type { ActionOrigin } from '../core/events.js';
import type { FormResult, FormSpec, FormValues } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { linesOf, textOf } from './form-values.js';

export interface ContactDetails {
  name: string | null;
  email: string | null;
  fields: Record<string, string>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FIELD_LINE = /^([a-z0-9][a-z0-9_-]{0,31})\s*:\s*(.+)$/i;

/** Contact details: name, e-mail, and custom fields one per line as `field: value`, prefilled. */
export function contactForm(req: { ticketId: string; from?: ActionOrigin; contact: ContactDetails; locale: Locale }): FormSpec {
  const { locale, contact } = req;
  const fields = Object.entries(contact.fields).map(([k, v]) => `${k}: ${v}`).join('\n');
  return {
    kind: 'contact',
    ticketId: req.ticketId,
    from: req.from,
    title: t(locale, 'modal.contact_title'),
    submit: t(locale, 'modal.contact_submit'),
    cancel: t(locale, 'card.cancel'),
    fields: [
      { id: 'name', type: 'text', label: t(locale, 'modal.contact_name'), initial: contact.name },
      { id: 'email', type: 'text', label: t(locale, 'modal.contact_email'), initial: contact.email },
      { id: 'fields', type: 'text', label: t(locale, 'modal.contact_fields'), multiline: true, initial: fields || null },
    ],
  };
}

/** An e-mail that looks like one, field lines as `field: value` (names lower-cased, values cut at 500). */
export function readContact(values: FormValues, locale: Locale): FormResult {
  const email = textOf(values, 'email') ?? null;
  if (email && !EMAIL.test(email)) return { errors: { email: t(locale, 'modal.contact_bad_email') } };
  const fields: Record<string, string> = {};
  for (const line of linesOf(values, 'fields')) {
    const m = FIELD_LINE.exec(line);
    if (!m) return { errors: { fields: t(locale, 'modal.contact_bad_fields') } };
    fields[m[1]!.toLowerCase()] = m[2]!.trim().slice(0, 500);
  }
  return { answer: { action: 'contact_edit', contact: { name: textOf(values, 'name')?.slice(0, 120) || null, email, fields } } };
}
