import type { ActionOrigin, AgentActionEvent } from '../events.js';

/**
 * A form described once, for any agent-side platform: the core builds it (src/agent-ui/), a
 * bridge renders it (a modal, components) in its platform's terms and hands the
 * submission back as plain values keyed by field id, which the core validates (`readForm`).
 * Texts are already in the agent's language; limits a platform has (option counts, label
 * lengths) are the bridge's to apply.
 */
export type FormKind = 'transfer' | 'actions' | 'contact' | 'template' | 'close';

export interface FormOption {
  value: string;
  label: string;
  /** A short second line under the label (a template's first words). */
  description?: string;
}

interface FieldBase {
  id: string;
  label: string;
  /** Optional unless said otherwise: the core's reader decides what an empty answer means. */
  required?: boolean;
  hint?: string;
}

export type FormField =
  | (FieldBase & { type: 'user'; placeholder?: string })
  | (FieldBase & { type: 'select'; placeholder?: string; options: FormOption[] })
  | (FieldBase & { type: 'checkboxes'; options: FormOption[] })
  | (FieldBase & { type: 'text'; multiline?: boolean; maxLength?: number; initial?: string | null });

export interface FormSpec {
  kind: FormKind;
  /** The ticket the form acts on, and where it was opened from (the core checks both on submit). */
  ticketId: string;
  from?: ActionOrigin;
  title: string;
  /** Absent: nothing can be submitted (see `empty`). */
  submit?: string;
  cancel: string;
  fields: FormField[];
  /** Read-only previews after the fields (the template bodies), each tied to a select option's value. */
  previews?: { heading: string; items: { value: string; title: string; body: string }[] };
  /** Shown instead of the fields, with no submit, when a required choice has nothing to choose from. */
  empty?: string;
}

/** Not a form: a title and one line, where a form was asked for and cannot be (not a ticket thread). */
export interface FormNotice {
  kind: 'notice';
  title: string;
  text: string;
}

export type AgentForm = FormSpec | FormNotice;

/**
 * A submission as the bridge read it: a user picker's user id, a select's option value, the
 * checked options' values, a text input's text; absent or null when left empty.
 */
export type FormValues = Record<string, string | string[] | null | undefined>;

/** What a valid submission asks of the ticket: the action fields of an `agent.action`. */
export type FormAnswer = Omit<AgentActionEvent, 'type' | 'platform' | 'ticketId' | 'userId' | 'containerId' | 'threadId' | 'from' | 'occurredAt'>;

/** A submission read: the answer, or the words to show under each field that needs another look. */
export type FormResult = { answer: FormAnswer } | { errors: Record<string, string> };
