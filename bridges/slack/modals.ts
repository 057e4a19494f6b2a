import { t, type Locale } from '../../src/i18n/catalog.js';
import { ACTIONS_VIEW, CONTACT_VIEW, TRANSFER_VIEW } from './ids.js';

const text = (s: string) => ({ type: 'plain_text', text: s.slice(0, 75), emoji: true });

/** The transfer modal: a person or a department, and an optional reason (posted in the thread). */
export function transferModal(ticketId: string, departments: { id: string; name: string }[], locale: Locale): unknown {
  const blocks: unknown[] = [
    {
      type: 'input',
      block_id: 'agent',
      optional: true,
      label: text(t(locale, 'modal.transfer_person')),
      element: { type: 'users_select', action_id: 'value', placeholder: text(t(locale, 'modal.transfer_person_hint')) },
    },
  ];
  if (departments.length) {
    blocks.push({
      type: 'input',
      block_id: 'department',
      optional: true,
      label: text(t(locale, 'modal.transfer_department')),
      element: {
        type: 'static_select',
        action_id: 'value',
        placeholder: text(t(locale, 'modal.transfer_department_hint')),
        options: departments.slice(0, 100).map((d) => ({ text: text(d.name), value: d.id })),
      },
    });
  }
  blocks.push({
    type: 'input',
    block_id: 'reason',
    optional: true,
    label: text(t(locale, 'modal.transfer_reason')),
    element: { type: 'plain_text_input', action_id: 'value', max_length: 500 },
  });
  return {
    type: 'modal',
    callback_id: TRANSFER_VIEW,
    private_metadata: ticketId,
    title: text(t(locale, 'modal.transfer_title')),
    submit: text(t(locale, 'modal.transfer_submit')),
    close: text(t(locale, 'card.cancel')),
    blocks,
  };
}

/** The choices of the "Ticket actions" form, in the order shown. */
export const FORM_ACTIONS = ['accept', 'return', 'resolve', 'contact', 'phone', 'block', 'unblock'] as const;
const DELAYS: [string, number][] = [['15m', 900_000], ['30m', 1_800_000], ['1h', 3_600_000], ['4h', 14_400_000], ['24h', 86_400_000]];

/** "Ticket actions" (the message shortcut): one action, resolve's options, and an optional note. */
export function actionsModal(ticketId: string, locale: Locale, farewell?: string | null): unknown {
  const option = (value: string, label: string) => ({ text: text(label), value });
  return {
    type: 'modal',
    callback_id: ACTIONS_VIEW,
    private_metadata: ticketId,
    title: text(t(locale, 'modal.actions_title')),
    submit: text(t(locale, 'modal.actions_submit')),
    close: text(t(locale, 'card.cancel')),
    blocks: [
      {
        type: 'input',
        block_id: 'action',
        optional: true,
        label: text(t(locale, 'modal.actions_action')),
        element: { type: 'static_select', action_id: 'value', options: FORM_ACTIONS.map((a) => option(a, t(locale, `modal.action_${a}`))) },
      },
      {
        type: 'input',
        block_id: 'options',
        optional: true,
        label: text(t(locale, 'modal.actions_resolve_options')),
        element: {
          type: 'checkboxes',
          action_id: 'value',
          options: [option('silent', t(locale, 'modal.option_silent')), option('keep', t(locale, 'modal.option_keep'))],
        },
      },
      {
        type: 'input',
        block_id: 'delay',
        optional: true,
        label: text(t(locale, 'modal.actions_delay')),
        element: { type: 'static_select', action_id: 'value', options: DELAYS.map(([label, ms]) => option(String(ms), label)) },
      },
      { type: 'input', block_id: 'reason', optional: true, label: text(t(locale, 'modal.transfer_reason')), element: { type: 'plain_text_input', action_id: 'value', max_length: 500 } },
      {
        type: 'input',
        block_id: 'farewell',
        optional: true,
        label: text(t(locale, 'modal.actions_farewell')),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000, ...(farewell ? { initial_value: farewell } : {}) },
      },
      { type: 'input', block_id: 'tags', optional: true, label: text(t(locale, 'modal.actions_tags')), element: { type: 'plain_text_input', action_id: 'value', max_length: 300 } },
      { type: 'input', block_id: 'note', optional: true, label: text(t(locale, 'modal.actions_note')), element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000 } },
    ],
  };
}

/** Contact details: name, e-mail, and custom fields one per line as `field: value`. */
export function contactModal(ticketId: string, c: { name: string | null; email: string | null; fields: Record<string, string> }, locale: Locale): unknown {
  const input = (block: string, label: string, initial: string | null, multiline = false) => ({
    type: 'input',
    block_id: block,
    optional: true,
    label: text(label),
    element: { type: 'plain_text_input', action_id: 'value', multiline, ...(initial ? { initial_value: initial } : {}) },
  });
  const fields = Object.entries(c.fields).map(([k, v]) => `${k}: ${v}`).join('\n');
  return {
    type: 'modal',
    callback_id: CONTACT_VIEW,
    private_metadata: ticketId,
    title: text(t(locale, 'modal.contact_title')),
    submit: text(t(locale, 'modal.contact_submit')),
    close: text(t(locale, 'card.cancel')),
    blocks: [
      input('name', t(locale, 'modal.contact_name'), c.name),
      input('email', t(locale, 'modal.contact_email'), c.email),
      input('fields', t(locale, 'modal.contact_fields'), fields || null, true),
    ],
  };
}
