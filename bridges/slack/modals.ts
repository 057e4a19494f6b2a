import type { MessageTemplate } from '../../src/core/ports.js';
import { t, type Locale, type MessageKey } from '../../src/i18n/catalog.js';
import { ACTIONS_VIEW, CONTACT_VIEW, TEMPLATE_VIEW, TRANSFER_VIEW } from './ids.js';
import { escapeForSlack } from './mrkdwn.js';
import type { TemplatePickerTexts } from './template-texts.js';

const text = (s: string) => ({ type: 'plain_text', text: s.slice(0, 75), emoji: true });

/** An optional input block; every element's action_id is 'value' (what the submission parsers read). */
const input = (block: string, label: string, element: Record<string, unknown>) => ({
  type: 'input',
  block_id: block,
  optional: true,
  label: text(label),
  element: { action_id: 'value', ...element },
});

const plainText = (o: { multiline?: boolean; max?: number; initial?: string | null } = {}) => ({
  type: 'plain_text_input',
  ...(o.multiline ? { multiline: true } : {}),
  ...(o.max ? { max_length: o.max } : {}),
  ...(o.initial ? { initial_value: o.initial } : {}),
});

/** The shell every Ponte form shares: the ticket id rides in private_metadata. */
function modal(callbackId: string, ticketId: string, locale: Locale, title: MessageKey, submit: MessageKey, blocks: unknown[]): unknown {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: ticketId,
    title: text(t(locale, title)),
    submit: text(t(locale, submit)),
    close: text(t(locale, 'card.cancel')),
    blocks,
  };
}

/** The transfer modal: a person or a department, and an optional reason (posted in the thread). */
export function transferModal(ticketId: string, departments: { id: string; name: string }[], locale: Locale): unknown {
  const blocks: unknown[] = [
    input('agent', t(locale, 'modal.transfer_person'), { type: 'users_select', placeholder: text(t(locale, 'modal.transfer_person_hint')) }),
  ];
  if (departments.length) {
    blocks.push(
      input('department', t(locale, 'modal.transfer_department'), {
        type: 'static_select',
        placeholder: text(t(locale, 'modal.transfer_department_hint')),
        options: departments.slice(0, 100).map((d) => ({ text: text(d.name), value: d.id })),
      }),
    );
  }
  blocks.push(input('reason', t(locale, 'modal.transfer_reason'), plainText({ max: 500 })));
  return modal(TRANSFER_VIEW, ticketId, locale, 'modal.transfer_title', 'modal.transfer_submit', blocks);
}

/** The choices of the "Ticket actions" form, in the order shown. */
export const FORM_ACTIONS = ['accept', 'return', 'resolve', 'contact', 'phone', 'block', 'unblock'] as const;
const DELAYS: [string, number][] = [['15m', 900_000], ['30m', 1_800_000], ['1h', 3_600_000], ['4h', 14_400_000], ['24h', 86_400_000]];

/** "Ticket actions" (the message shortcut): one action, resolve's options, tags and a note. */
export function actionsModal(ticketId: string, locale: Locale, farewell?: string | null): unknown {
  const option = (value: string, label: string) => ({ text: text(label), value });
  return modal(ACTIONS_VIEW, ticketId, locale, 'modal.actions_title', 'modal.actions_submit', [
    input('action', t(locale, 'modal.actions_action'), {
      type: 'static_select',
      options: FORM_ACTIONS.map((a) => option(a, t(locale, `modal.action_${a}`))),
    }),
    input('options', t(locale, 'modal.actions_resolve_options'), {
      type: 'checkboxes',
      options: [option('silent', t(locale, 'modal.option_silent')), option('keep', t(locale, 'modal.option_keep'))],
    }),
    input('delay', t(locale, 'modal.actions_delay'), { type: 'static_select', options: DELAYS.map(([label, ms]) => option(String(ms), label)) }),
    input('reason', t(locale, 'modal.transfer_reason'), plainText({ max: 500 })),
    input('farewell', t(locale, 'modal.actions_farewell'), plainText({ multiline: true, max: 1000, initial: farewell })),
    input('tags', t(locale, 'modal.actions_tags'), plainText({ max: 300 })),
    input('note', t(locale, 'modal.actions_note'), plainText({ multiline: true, max: 3000 })),
  ]);
}

/** Contact details: name, e-mail, and custom fields one per line as `field: value`. */
export function contactModal(ticketId: string, c: { name: string | null; email: string | null; fields: Record<string, string> }, locale: Locale): unknown {
  const fields = Object.entries(c.fields).map(([k, v]) => `${k}: ${v}`).join('\n');
  return modal(CONTACT_VIEW, ticketId, locale, 'modal.contact_title', 'modal.contact_submit', [
    input('name', t(locale, 'modal.contact_name'), plainText({ initial: c.name })),
    input('email', t(locale, 'modal.contact_email'), plainText({ initial: c.email })),
    input('fields', t(locale, 'modal.contact_fields'), plainText({ multiline: true, initial: fields || null })),
  ]);
}

/** Block Kit limits: 100 options in a select, 150 characters in an option value, 100 blocks in a modal. */
const MAX_OPTIONS = 100;
const MAX_VALUE = 150;
const MAX_PREVIEWS = 95;

/** A template option's value: everything the submission needs, `name|language|paramCount`. */
export const templateOptionValue = (m: MessageTemplate) => `${m.name}|${m.language}|${m.paramCount}`;

/**
 * The template picker: a select of the approved templates (`name (category)`, the body's start as
 * the description), one input for the parameters (one per line) and each body with its {{n}}
 * placeholders as the preview. Texts come in as a parameter, already in the workspace's language.
 */
export function templateModal(ticketId: string, templates: MessageTemplate[], texts: TemplatePickerTexts): unknown {
  const approved = templates.filter((m) => m.status.toLowerCase() === 'approved' && templateOptionValue(m).length <= MAX_VALUE).slice(0, MAX_OPTIONS);
  const shell = { type: 'modal', callback_id: TEMPLATE_VIEW, private_metadata: ticketId, title: text(texts.title), close: text(texts.cancel) };
  if (approved.length === 0) return { ...shell, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: texts.empty } }] };
  // The same name in two languages would read twice alike: only then does the label name the language.
  const names = new Map<string, number>();
  for (const m of approved) names.set(m.name, (names.get(m.name) ?? 0) + 1);
  const label = (m: MessageTemplate) => `${m.name} (${m.category})${(names.get(m.name) ?? 0) > 1 ? ` · ${m.language}` : ''}`;
  const previews = approved.slice(0, MAX_PREVIEWS).map((m) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `*${escapeForSlack(label(m))}*\n${quoteLines(m.body)}`.slice(0, 3000) },
  }));
  return {
    ...shell,
    submit: text(texts.submit),
    blocks: [
      {
        type: 'input',
        block_id: 'template',
        label: text(texts.template),
        element: {
          type: 'static_select',
          action_id: 'value',
          placeholder: text(texts.templatePlaceholder),
          options: approved.map((m) => ({ text: text(label(m)), value: templateOptionValue(m), description: text(preview(m.body)) })),
        },
      },
      { ...input('params', texts.params, plainText({ multiline: true, max: 3000 })), hint: text(texts.paramsHint) },
      { type: 'header', text: text(texts.preview) },
      ...previews,
    ],
  };
}

/** The first ~70 characters of a body on one line (option descriptions hold 75). */
function preview(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 70 ? `${line.slice(0, 69)}…` : line || '—';
}

function quoteLines(body: string): string {
  return escapeForSlack(body).split('\n').map((l) => `>${l}`).join('\n');
}
