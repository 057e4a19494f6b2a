import { t, type Locale } from '../../src/i18n/catalog.js';
import { TRANSFER_VIEW } from './ids.js';

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
