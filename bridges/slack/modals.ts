import { t, type Locale, type MessageKey } from '../../src/i18n/catalog.js';
import { ACTIONS_VIEW, CONTACT_VIEW, TRANSFER_VIEW } from './ids.js';

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
