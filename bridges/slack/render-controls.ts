import type { CardControl } from '../../src/agent-ui/card-controls.js';
import { ACTION_IDS, moreOptionValue } from './ids.js';

/**
 * A core control → a Block Kit element: a button (its value the ticket id) or, for the More
 * menu, an overflow whose options carry `<option>:<ticket id>`.
 */
export function controlElement(control: CardControl, ticketId: string, o: { emoji?: boolean } = {}): Record<string, unknown> {
  const text = (s: string) => ({ type: 'plain_text', text: s, ...(o.emoji === false ? {} : { emoji: true }) });
  if (control.type === 'menu') {
    return { type: 'overflow', action_id: ACTION_IDS.more, options: control.options.map((m) => ({ text: text(m.label), value: moreOptionValue(m.id, ticketId) })) };
  }
  return {
    type: 'button',
    action_id: ACTION_IDS[control.id],
    value: ticketId,
    ...(control.style ? { style: control.style } : {}),
    text: text(control.label),
    ...(control.confirm
      ? { confirm: { title: text(control.confirm.title), text: text(control.confirm.text), confirm: text(control.confirm.yes), deny: text(control.confirm.no) } }
      : {}),
  };
}
