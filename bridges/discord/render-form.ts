import type { AgentForm, FormField, FormKind, FormOption, FormSpec } from '../../src/core/ports.js';
import { fill } from '../../src/i18n/markup.js';
import { formCustomId } from './ids.js';
import { noMentions, renderText, toMarkdown } from './render.js';

/**
 * Discord's modal limits (components/reference): title 45, at most 5 top-level components, a
 * Label's label 45 and description 100, a string select's 25 options (label, value and
 * description 100), a checkbox group's 10, a text input's 4000 characters, a Text Display's 4000.
 */
export const MODAL_LIMITS = { title: 45, components: 5, label: 45, description: 100, options: 25, checkboxes: 10, text: 4000, value: 100, placeholder: 150 } as const;
const L = MODAL_LIMITS;

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The first response to a press that asks for a form: the modal (9), or a line only the presser sees (4, ephemeral). */
export type FormAnswer =
  | { type: 9; data: { custom_id: string; title: string; components: Record<string, unknown>[] } }
  | { type: 4; data: { content: string; flags: 64; allowed_mentions: typeof noMentions } };

export const FORM_KINDS: readonly FormKind[] = ['transfer', 'actions', 'contact', 'template', 'close'];
export const isFormKind = (k: string): k is FormKind => (FORM_KINDS as readonly string[]).includes(k);

/**
 * A neutral form → Discord's answer to the interaction. Each field is a Label (type 18) holding
 * a text input, a string select, a user select or a checkbox group whose `custom_id` is the
 * field's id (what `form-submission.ts` reads back); the modal's `custom_id` carries the kind,
 * ticket and origin (`formCustomId`). A notice, or a form whose required choice has nothing to
 * choose from (`empty`), is an ephemeral line instead: a modal must hold a field.
 *
 * More fields than Discord's 5: the required ones are kept, then the others in the core's order
 * until 5 (the core reads a field left out as empty). Only the "Ticket actions" form has more
 * (7): its tags and note are left out, and stay at hand as `!tag` and `!note` in the thread. A
 * select keeps its first 25 options whose value fits 100 characters. The template previews go
 * in one Text Display after the fields when there is room.
 */
export function formResponse(form: AgentForm): FormAnswer {
  if (form.kind === 'notice') return line(`**${renderText(form.title)}**\n${renderText(form.text)}`);
  if (nothingToChoose(form)) return line(toMarkdown(fill(form.empty, {})));
  const fields = keptFields(form.fields.filter((f) => f.type !== 'select' || options(f.options).length > 0));
  const components = fields.map(labelled);
  const previews = previewText(form, fields);
  if (previews && components.length < L.components) components.push({ type: 10, content: previews });
  return { type: 9, data: { custom_id: formCustomId(form.kind, form.ticketId, form.from?.kind === 'thread' ? form.from : undefined), title: cut(form.title, L.title), components } };
}

function line(content: string): FormAnswer {
  return { type: 4, data: { content: content.slice(0, 2000), flags: 64, allowed_mentions: noMentions } };
}

function nothingToChoose(form: FormSpec): form is FormSpec & { empty: string } {
  return form.empty !== undefined && form.fields.some((f) => f.type === 'select' && f.required && options(f.options).length === 0);
}

/** The options Discord can show: values it takes, no more than a select holds. */
function options(all: FormOption[], max: number = L.options): FormOption[] {
  return all.filter((o) => o.value.length >= 1 && o.value.length <= L.value).slice(0, max);
}

/** Required fields first, then the others in order, up to 5; shown in the core's order. */
function keptFields(fields: FormField[]): FormField[] {
  const keep = new Set(fields.filter((f) => f.required).slice(0, L.components));
  for (const f of fields) if (keep.size < L.components) keep.add(f);
  return fields.filter((f) => keep.has(f));
}

function labelled(field: FormField): Record<string, unknown> {
  return {
    type: 18,
    label: cut(field.label, L.label),
    ...(field.hint ? { description: cut(field.hint, L.description) } : {}),
    component: { custom_id: field.id, ...component(field) },
  };
}

function component(field: FormField): Record<string, unknown> {
  const required = !!field.required;
  const placeholder = 'placeholder' in field && field.placeholder ? { placeholder: cut(field.placeholder, L.placeholder) } : {};
  const option = (o: FormOption) => ({ label: cut(o.label, 100), value: o.value, ...(o.description ? { description: cut(o.description, 100) } : {}) });
  switch (field.type) {
    case 'user':
      return { type: 5, ...placeholder, required, min_values: required ? 1 : 0, max_values: 1 };
    case 'select':
      return { type: 3, ...placeholder, required, min_values: required ? 1 : 0, max_values: 1, options: options(field.options).map(option) };
    case 'checkboxes': {
      const shown = options(field.options, L.checkboxes);
      return { type: 22, required, min_values: 0, max_values: shown.length, options: shown.map(option) };
    }
    case 'text': {
      const max = Math.min(field.maxLength ?? L.text, L.text);
      return {
        type: 4,
        style: field.multiline ? 2 : 1,
        required,
        max_length: max,
        ...(field.initial ? { value: field.initial.slice(0, max) } : {}),
      };
    }
  }
}

/** The previews of the options shown (a template's body, quoted, its placeholders as written), as one Text Display. */
function previewText(form: FormSpec, fields: FormField[]): string | undefined {
  if (!form.previews) return undefined;
  const shown = new Set(fields.flatMap((f) => (f.type === 'select' ? options(f.options).map((o) => o.value) : [])));
  const items = form.previews.items.filter((p) => shown.has(p.value));
  if (!items.length) return undefined;
  const quote = (body: string) => renderText(body).split('\n').map((l) => `> ${l}`).join('\n');
  const text = [`### ${renderText(form.previews.heading)}`, ...items.map((p) => `**${renderText(p.title)}**\n${quote(p.body)}`)].join('\n');
  return cut(text, L.text);
}
