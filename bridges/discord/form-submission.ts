import type { FormValues } from '../../src/core/ports.js';
import type { InboundRecord } from '../../src/core/inbound-record.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { readForm } from '../../src/agent-ui/read-form.js';
import { parseFormCustomId } from './ids.js';
import { actionRecord, type RawInteraction, type RawModalComponent } from './payloads.js';
import { isFormKind } from './render-form.js';

export type FormSubmission = { record: InboundRecord } | { errors: Record<string, string> } | undefined;

/**
 * A submitted Ponte modal (INTERACTION_CREATE type 5) → its values by field id → the core's
 * reading: an `agent.action` to record, or the field errors (in `locale`'s words) to answer
 * with. The kind, ticket and origin come back in the modal's custom_id (`formCustomId`), so
 * the core checks the origin as it does a press's. Undefined: not one of our forms.
 */
export function parseFormSubmission(d: RawInteraction, locale: Locale): FormSubmission {
  if (d.type !== 5) return undefined;
  const meta = parseFormCustomId(d.data?.custom_id ?? '');
  const userId = d.member?.user?.id ?? d.user?.id;
  if (!meta || !isFormKind(meta.kind) || !userId) return undefined;
  const read = readForm(meta.kind, modalValues(d.data?.components ?? []), locale);
  if ('errors' in read) return read;
  const where = meta.from ?? { containerId: '', threadId: '' };
  return { record: actionRecord(d.id, { ticketId: meta.ticketId, userId, ...where }, read.answer) };
}

/**
 * Each field as the core reads it: a text input's text (empty: null), a single select's or
 * user select's one value, a checkbox group's checked values. Fields sit in Labels (type 18);
 * a legacy action row's text inputs are read too.
 */
export function modalValues(components: RawModalComponent[]): FormValues {
  const values: FormValues = {};
  const visit = (c: RawModalComponent) => {
    if (c.component) visit(c.component);
    for (const inner of c.components ?? []) visit(inner);
    if (!c.custom_id) return;
    switch (c.type) {
      case 4:
        values[c.custom_id] = typeof c.value === 'string' && c.value !== '' ? c.value : null;
        return;
      case 22:
        values[c.custom_id] = c.values ?? [];
        return;
      case 23:
        values[c.custom_id] = c.value === true ? 'true' : null;
        return;
      default:
        values[c.custom_id] = c.values?.[0] ?? null;
    }
  };
  components.forEach(visit);
  return values;
}

/** The field errors as words, one after the other: Discord modals cannot show them under the fields. */
export function errorLines(errors: Record<string, string>): string {
  return Object.values(errors).join(' ');
}
