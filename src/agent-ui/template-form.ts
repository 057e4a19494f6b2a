import type { ActionOrigin } from '../core/events.js';
import type { FormResult, FormSpec, FormValues, MessageTemplate } from '../core/ports.js';
import { t, type Locale } from '../i18n/catalog.js';
import { linesOf, textOf } from './form-values.js';

/** A template option's value: everything the submission needs, `name|language|paramCount`. */
export const templateOptionValue = (m: MessageTemplate) => `${m.name}|${m.language}|${m.paramCount}`;
const OPTION_VALUE = /^([^|]+)\|([^|]+)\|(\d+)$/;

/**
 * The template picker: a choice of the approved templates (`name (category)`, the body's start
 * as the description), the parameters one per line, and each body with its {{n}} placeholders
 * as the preview. Without an approved template, it only says how to load them.
 */
export function templateForm(req: { ticketId: string; from?: ActionOrigin; templates: MessageTemplate[]; locale: Locale }): FormSpec {
  const { locale } = req;
  const approved = req.templates.filter((m) => m.status.toLowerCase() === 'approved');
  // The same name in two languages would read twice alike: only then does the label name the language.
  const names = new Map<string, number>();
  for (const m of approved) names.set(m.name, (names.get(m.name) ?? 0) + 1);
  const label = (m: MessageTemplate) => `${m.name} (${m.category})${(names.get(m.name) ?? 0) > 1 ? ` · ${m.language}` : ''}`;
  return {
    kind: 'template',
    ticketId: req.ticketId,
    from: req.from,
    title: t(locale, 'picker.title'),
    submit: t(locale, 'picker.submit'),
    cancel: t(locale, 'card.cancel'),
    fields: [
      {
        id: 'template',
        type: 'select',
        required: true,
        label: t(locale, 'picker.template'),
        placeholder: t(locale, 'picker.placeholder'),
        options: approved.map((m) => ({ value: templateOptionValue(m), label: label(m), description: preview(m.body) })),
      },
      { id: 'params', type: 'text', label: t(locale, 'picker.params'), multiline: true, maxLength: 3000, hint: t(locale, 'picker.params_hint') },
    ],
    previews: { heading: t(locale, 'picker.preview'), items: approved.map((m) => ({ value: templateOptionValue(m), title: label(m), body: m.body })) },
    empty: t(locale, 'picker.empty'),
  };
}

/** The first ~70 characters of a body on one line. */
function preview(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 70 ? `${line.slice(0, 69)}…` : line || '—';
}

/**
 * A chosen template, and as many parameters (the non-empty lines, in order) as it takes:
 * WhatsApp refuses a template with the wrong count, and only asynchronously.
 */
export function readTemplate(values: FormValues, locale: Locale): FormResult {
  const chosen = OPTION_VALUE.exec(textOf(values, 'template') ?? '');
  if (!chosen) return { errors: { template: t(locale, 'picker.pick_one') } };
  const expected = Number(chosen[3]);
  const params = linesOf(values, 'params');
  if (params.length !== expected) return { errors: { params: t(locale, 'picker.param_count', { count: expected }) } };
  return { answer: { action: 'template', template: { name: chosen[1]!, language: chosen[2]!, params } } };
}
