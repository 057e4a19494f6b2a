import type { ActionOrigin } from '../../src/core/events.js';

/**
 * A form remembers where it was opened: its private_metadata is `<ticket id>|<origin>`, the
 * origin `home` or `thread:<channel>:<thread ts>`. Slack hands private_metadata back untouched
 * with the (signed) submission, so the core can check the origin like a button press's.
 */
const METADATA = /^(\d{1,18})(?:\|(home|thread:([A-Z0-9]+):(\d+\.\d+)))?$/;

/** Where a button was pressed: a message (in a thread or not), or a view (the App Home). */
export function pressOrigin(container: { type?: string; channel_id?: string; message_ts?: string; thread_ts?: string }): ActionOrigin | undefined {
  if (container.type === 'view') return { kind: 'home' };
  if (!container.channel_id || !container.message_ts) return undefined;
  return { kind: 'thread', containerId: container.channel_id, threadId: container.thread_ts ?? container.message_ts };
}

/** A form's private_metadata: its ticket id, and where it was opened when that is known. */
export function formMetadata(ticketId: string, origin: ActionOrigin | undefined): string {
  if (!origin) return ticketId;
  return `${ticketId}|${origin.kind === 'home' ? 'home' : `thread:${origin.containerId}:${origin.threadId}`}`;
}

/** A form's private_metadata → its ticket id and origin (absent for a form opened without one). */
export function readMetadata(metadata: string): { ticketId: string; from?: ActionOrigin } | undefined {
  const m = METADATA.exec(metadata);
  if (!m) return undefined;
  if (!m[2]) return { ticketId: m[1]! };
  return { ticketId: m[1]!, from: m[2] === 'home' ? { kind: 'home' } : { kind: 'thread', containerId: m[3]!, threadId: m[4]! } };
}
