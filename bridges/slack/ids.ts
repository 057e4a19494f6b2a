import type { FormKind } from '../../src/core/ports.js';
import type { ControlId } from '../../src/agent-ui/control-ids.js';

/** The only place that builds or parses Slack ids. A message is `channel:ts` (ts is per channel). */
export const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

/** Channel ids are upper-case (C…, G…, D…); a ts is "seconds.micros". */
const MESSAGE_ID = /^([A-Z0-9]+):(\d+\.\d+)$/;

export function parseMessageId(id: string): { channel: string; ts: string } {
  const m = MESSAGE_ID.exec(id);
  if (!m) throw new Error(`not a Slack message id: ${id}`);
  return { channel: m[1]!, ts: m[2]! };
}

/**
 * A file Ponte uploaded (files v2) is `file:F…`: completeUploadExternal names the file, not the
 * message that shares it (Slack posts that asynchronously), and the lower-case prefix can never
 * parse as a message id.
 */
export const fileExternalId = (fileId: string) => `file:${fileId}`;
export const isFileExternalId = (id: string) => id.startsWith('file:');

/** Events of one thread are handled in order; Slack's event_id is globally unique. */
export const threadOrderingKey = (channel: string, threadTs: string) => `slack:${channel}:${threadTs}`;
export const eventDedupeKey = (eventId: string) => `slack:e:${eventId}`;
/** Reactions carry the reacted message, not its thread: they are ordered per message. */
export const reactionOrderingKey = (channel: string, ts: string) => `slack:r:${channel}:${ts}`;

/** Slack `ts` ("1700000000.000100") → ISO time. */
export function isoFromTs(ts: string): string {
  const n = Number(ts);
  return Number.isFinite(n) ? new Date(Math.floor(n * 1000)).toISOString() : new Date().toISOString();
}

/** Interactions are not retried by Slack, and each carries a fresh trigger_id. */
export const interactionDedupeKey = (triggerId: string) => `slack:i:${triggerId}`;

/** The card's buttons: action ids name the action, the value is our ticket id. */
export const ACTION_IDS: Record<ControlId, string> = {
  accept: 'ticket.accept',
  resolve: 'ticket.resolve',
  transfer: 'ticket.transfer',
  more: 'ticket.more',
  /** "Send a template" under a notice (the reply window closed): opens the template picker. */
  templates: 'ticket.templates',
};

/** A control's id from Slack's action_id. */
export function controlOf(actionId: string): ControlId | undefined {
  return (Object.keys(ACTION_IDS) as ControlId[]).find((c) => ACTION_IDS[c] === actionId);
}

/** The More menu's options carry `<option>:<ticket id>` (the options: src/agent-ui/control-ids.ts). */
export const moreOptionValue = (option: string, ticketId: string) => `${option}:${ticketId}`;
export function parseMoreOption(value: string | undefined): { option: string; ticketId: string } | undefined {
  const m = /^([a-z_]+):(\d{1,18})$/.exec(value ?? '');
  return m ? { option: m[1]!, ticketId: m[2]! } : undefined;
}

/** Each form's modal callback_id; its private_metadata is the ticket id (and origin, view-origin.ts). */
export const FORM_VIEWS: Record<FormKind, string> = {
  transfer: 'ponte.transfer',
  /** "Ticket actions", opened by the message shortcut below. */
  actions: 'ponte.ticket_actions.view',
  contact: 'ponte.contact',
  /** The template picker (option values `name|language|params`). */
  template: 'ponte.template',
  /** Resolve's close form (a reason, contact fields), when resolving asks for them. */
  close: 'ponte.close',
};

/** The "Ticket actions" message shortcut. */
export const ACTIONS_SHORTCUT = 'ponte.ticket_actions';

/**
 * Ponte's idempotency key on a message, as Slack message metadata (`event_type` is letters, digits
 * and underscores). Slack has no idempotency key of its own; the metadata is how a retry finds the
 * post an unsure attempt made (conversations.replies/history with include_all_metadata).
 */
export const POST_KEY_EVENT = 'ponte_post';
export const postKeyMetadata = (key: string) => ({ event_type: POST_KEY_EVENT, event_payload: { key } });

/** The key a message carries, if Ponte stamped one. */
export function postKeyOf(message: { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }): string | undefined {
  if (message.metadata?.event_type !== POST_KEY_EVENT) return undefined;
  const key = message.metadata.event_payload?.key;
  return typeof key === 'string' ? key : undefined;
}

/** A Date as a Slack `ts` bound ("seconds.micros"), for `oldest`. */
export const tsFromDate = (d: Date) => (d.getTime() / 1000).toFixed(6);
