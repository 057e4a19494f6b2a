import type { CardControl } from '../../src/agent-ui/card-controls.js';
import { ACTION_IDS, moreOptionValue } from './ids.js';

/** Block Kit's overflow menu holds at most five options; a longer More menu is a static select. */
const OVERFLOW_MAX = 5;

/**
 * A core control → a Block Kit element: a button (its value the ticket id) or, for the More
 * menu, an overflow (a static select named `moreLabel` past five options) whose options carry
 * `<option>:<ticket id>`.
 */
export function controlElement(control: CardControl, ticketId: string, o: { emoji?: boolean; moreLabel?: string } = {}): Record<string, unknown> {
  const text = (s: string) => ({ type: 'plain_text', text: s, ...(o.emoji === false ? {} : { emoji: true }) });
  if (control.type === 'menu') {
    const options = control.options.map((m) => ({ text: text(m.label), value: moreOptionValue(m.id, ticketId) }));
    if (options.length > OVERFLOW_MAX) return { type: 'static_select', action_id: ACTION_IDS.more, placeholder: text(o.moreLabel ?? 'More'), options };
    return { type: 'overflow', action_id: ACTION_IDS.more, options };
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
