import type { AgentForm, FormField, FormKind, FormOption, FormSpec } from '../../src/core/ports.js';
import { FORM_VIEWS } from './ids.js';
import { escapeForSlack } from './mrkdwn.js';
import { formMetadata } from './view-origin.js';

/** Block Kit limits: 75 characters in a plain text, 100 options in a select, 150 in an option value, 100 blocks in a modal. */
const text = (s: string) => ({ type: 'plain_text', text: s.slice(0, 75), emoji: true });
const MAX_OPTIONS = 100;
const MAX_VALUE = 150;
const MAX_PREVIEWS = 95;

/**
 * A neutral form → a Block Kit modal. Each field is an input block named by the field's id, its
 * element's action_id 'value' (what `readSubmission` reads); the form's kind is the callback_id,
 * its ticket and origin ride in private_metadata.
 */
export function renderForm(form: AgentForm): unknown {
  if (form.kind === 'notice') {
    return { type: 'modal', title: { type: 'plain_text', text: form.title }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: form.text } }] };
  }
  const shell = { type: 'modal', callback_id: FORM_VIEWS[form.kind], private_metadata: formMetadata(form.ticketId, form.from), title: text(form.title), close: text(form.cancel) };
  if (nothingToChoose(form)) return { ...shell, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: form.empty } }] };
  return { ...shell, ...(form.submit ? { submit: text(form.submit) } : {}), blocks: [...form.fields.map(inputBlock), ...previewBlocks(form)] };
}

/** The callback_id of each form, and back. */
export function formKindOf(callbackId: string): FormKind | undefined {
  return (Object.keys(FORM_VIEWS) as FormKind[]).find((k) => FORM_VIEWS[k] === callbackId);
}

function nothingToChoose(form: FormSpec): form is FormSpec & { empty: string } {
  return form.empty !== undefined && form.fields.some((f) => f.type === 'select' && f.required && options(f.options).length === 0);
}

/** The options Slack can show: values it takes, no more than a select holds. */
function options(all: FormOption[]): FormOption[] {
  return all.filter((o) => o.value.length <= MAX_VALUE).slice(0, MAX_OPTIONS);
}

function inputBlock(field: FormField): unknown {
  return {
    type: 'input',
    block_id: field.id,
    ...(field.required ? {} : { optional: true }),
    label: text(field.label),
    element: { action_id: 'value', ...element(field) },
    ...(field.hint ? { hint: text(field.hint) } : {}),
  };
}

function element(field: FormField): Record<string, unknown> {
  const option = (o: FormOption) => ({ text: text(o.label), value: o.value, ...(o.description !== undefined ? { description: text(o.description) } : {}) });
  switch (field.type) {
    case 'user':
      return { type: 'users_select', ...(field.placeholder ? { placeholder: text(field.placeholder) } : {}) };
    case 'select':
      return { type: 'static_select', ...(field.placeholder ? { placeholder: text(field.placeholder) } : {}), options: options(field.options).map(option) };
    case 'checkboxes':
      return { type: 'checkboxes', options: field.options.map(option) };
    case 'text':
      return {
        type: 'plain_text_input',
        ...(field.multiline ? { multiline: true } : {}),
        ...(field.maxLength ? { max_length: field.maxLength } : {}),
        ...(field.initial ? { initial_value: field.initial } : {}),
      };
  }
}

/** The previews of the options shown (a template's body, quoted, its placeholders as written). */
function previewBlocks(form: FormSpec): unknown[] {
  if (!form.previews) return [];
  const shown = new Set(form.fields.flatMap((f) => (f.type === 'select' ? options(f.options).map((o) => o.value) : [])));
  const items = form.previews.items.filter((p) => shown.has(p.value)).slice(0, MAX_PREVIEWS);
  return [
    { type: 'header', text: text(form.previews.heading) },
    ...items.map((p) => ({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeForSlack(p.title)}*\n${quoteLines(p.body)}`.slice(0, 3000) } })),
  ];
}

function quoteLines(body: string): string {
  return escapeForSlack(body).split('\n').map((l) => `>${l}`).join('\n');
}
