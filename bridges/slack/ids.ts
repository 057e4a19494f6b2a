/** The only place that builds or parses Slack ids. A message is `channel:ts` (ts is per channel). */
export const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

export function parseMessageId(id: string): { channel: string; ts: string } {
  const i = id.indexOf(':');
  if (i <= 0) throw new Error(`not a Slack message id: ${id}`);
  return { channel: id.slice(0, i), ts: id.slice(i + 1) };
}

/** Events of one thread are handled in order; Slack's event_id is globally unique. */
export const threadOrderingKey = (channel: string, threadTs: string) => `slack:${channel}:${threadTs}`;
export const eventDedupeKey = (eventId: string) => `slack:e:${eventId}`;

/** Slack `ts` ("1700000000.000100") → ISO time. */
export function isoFromTs(ts: string): string {
  const n = Number(ts);
  return Number.isFinite(n) ? new Date(Math.floor(n * 1000)).toISOString() : new Date().toISOString();
}

/** Interactions are not retried by Slack, and each carries a fresh trigger_id. */
export const interactionDedupeKey = (triggerId: string) => `slack:i:${triggerId}`;

/** The card's buttons: action ids name the action, the value is our ticket id. */
export const ACTION_IDS = { accept: 'ticket.accept', resolve: 'ticket.resolve', transfer: 'ticket.transfer', more: 'ticket.more' } as const;

/** The More menu's options carry `<action>:<ticket id>`. */
export const MORE_ACTIONS = ['return', 'block', 'unblock', 'contact', 'phone'] as const;

/** The transfer modal's callback id; its private_metadata is the ticket id. */
export const TRANSFER_VIEW = 'ponte.transfer';

/** The "Ticket actions" message shortcut and the modal it opens (private_metadata: ticket id). */
export const ACTIONS_SHORTCUT = 'ponte.ticket_actions';
export const ACTIONS_VIEW = 'ponte.ticket_actions.view';
export const CONTACT_VIEW = 'ponte.contact';
