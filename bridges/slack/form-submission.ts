import type { AgentActionEvent } from '../../src/core/events.js';
import type { FormValues } from '../../src/core/ports.js';
import type { InboundRecord } from '../../src/core/inbound-record.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { readForm } from '../../src/agent-ui/read-form.js';
import { formKindOf } from './render-form.js';
import { viewSubmission } from './schema.js';
import { readMetadata } from './view-origin.js';

export type FormSubmission = { record: InboundRecord } | { errors: Record<string, string> } | undefined;

/**
 * A submitted Ponte modal (`view_submission`) → its values by field id → the core's reading:
 * an `agent.action` to record, or the field errors (in `locale`'s words) to answer with
 * `response_action: errors`. Undefined: not one of our forms. A double submit of one view is
 * deduplicated by the view id.
 */
export function parseFormSubmission(body: unknown, locale: Locale): FormSubmission {
  const p = viewSubmission.safeParse(body);
  const kind = p.success ? formKindOf(p.data.view.callback_id) : undefined;
  const meta = p.success ? readMetadata(p.data.view.private_metadata) : undefined;
  if (!p.success || !kind || !meta) return undefined;
  const read = readForm(kind, formValues(p.data.view.state.values), locale);
  if ('errors' in read) return read;
  const { ticketId, from } = meta;
  const event: AgentActionEvent = {
    type: 'agent.action',
    platform: 'slack',
    ...read.answer,
    ticketId,
    userId: p.data.user.id,
    containerId: '',
    threadId: '',
    from,
    occurredAt: new Date().toISOString(),
  };
  return { record: { event, dedupeKey: `slack:v:${p.data.view.id}`, orderingKey: `slack:ticket:${ticketId}` } };
}

type Values = NonNullable<ReturnType<typeof viewSubmission.safeParse>['data']>['view']['state']['values'];

/** Each input block's element → what it holds: a user, an option, the checked options, or a text. */
function formValues(state: Values): FormValues {
  const values: FormValues = {};
  for (const [blockId, block] of Object.entries(state)) {
    const e = block.value;
    if (!e) continue;
    values[blockId] = e.selected_options ? e.selected_options.map((o) => o.value) : (e.selected_user ?? e.selected_option?.value ?? e.value ?? null);
  }
  return values;
}
