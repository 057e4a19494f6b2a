import type { FormKind } from '../core/ports.js';

/**
 * The controls' vocabulary, the same on every agent-side platform (a bridge maps each to its own
 * id: a button's action or custom id).
 */
export type ControlId = 'accept' | 'transfer' | 'resolve' | 'more' | 'templates';

/** The More menu's options that act at once: recorded and handled by the worker as that action. */
export const MORE_ACTIONS = ['return', 'block', 'unblock', 'contact', 'phone', 'history', 'transcript', 'delete'] as const;
/** The More menu's options that open a form instead of acting (within the interaction's lifetime). */
export const MORE_FORMS = { editContact: 'edit_contact', template: 'template' } as const;

export type MoreOption = (typeof MORE_ACTIONS)[number] | (typeof MORE_FORMS)[keyof typeof MORE_FORMS];

export function isMoreAction(option: string): option is (typeof MORE_ACTIONS)[number] {
  return (MORE_ACTIONS as readonly string[]).includes(option);
}

/**
 * The form a control opens (it must open while the interaction's handle lives, so the bridge
 * opens it at once instead of recording an action): Transfer, "Send a template" (under a notice
 * or in More), and More's "Edit contact details". Undefined: the control acts. Resolve opens the
 * close form only when resolving asks for something (`formFor` gives none otherwise): when it
 * gives none, Resolve acts as before.
 */
export function formOpenedBy(control: ControlId, option?: string): FormKind | undefined {
  if (control === 'transfer') return 'transfer';
  if (control === 'resolve') return 'close';
  if (control === 'templates') return 'template';
  if (control === 'more' && option === MORE_FORMS.template) return 'template';
  if (control === 'more' && option === MORE_FORMS.editContact) return 'contact';
  return undefined;
}
