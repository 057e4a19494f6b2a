import type { FormKind, FormResult, FormValues } from '../core/ports.js';
import type { Locale } from '../i18n/catalog.js';
import { readActions } from './actions-form.js';
import { readContact } from './contact-form.js';
import { readTemplate } from './template-form.js';
import { readTransfer } from './transfer-form.js';
import { readClose } from './close-form.js';

const READERS: Record<FormKind, (values: FormValues, locale: Locale) => FormResult> = {
  transfer: readTransfer,
  actions: readActions,
  contact: readContact,
  template: readTemplate,
  close: readClose,
};

/**
 * A submitted form → the action it asks for, or the words to show under the fields to fix.
 * Only the form's kind and the values are needed: a submission comes back without the form
 * (a modal's state holds only its values), so every option value says what it means.
 */
export function readForm(kind: FormKind, values: FormValues, locale: Locale): FormResult {
  return READERS[kind](values, locale);
}
