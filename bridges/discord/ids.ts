/**
 * The only place that builds or parses Discord ids for Ponte. A message Ponte posted is
 * `channel:message` (a thread is a channel), so a reaction can find it again.
 */
export const messageId = (channelId: string, id: string) => `${channelId}:${id}`;

export function parseMessageId(id: string): { channelId: string; messageId: string } {
  const m = /^(\d{1,20}):(\d{1,20})$/.exec(id);
  if (!m) throw new Error(`not a Discord message id: ${id}`);
  return { channelId: m[1]!, messageId: m[2]! };
}

/** Events of one thread are handled in order; reactions are ordered per reacted message. */
export const threadOrderingKey = (threadId: string) => `discord:${threadId}`;
export const reactionOrderingKey = (messageId: string) => `discord:r:${messageId}`;
/** A message id is a snowflake, unique across Discord; so is an interaction's. */
export const messageDedupeKey = (id: string) => `discord:m:${id}`;
export const interactionDedupeKey = (id: string) => `discord:i:${id}`;

/**
 * A control's `custom_id`: `ponte:<control>:<ticket id>` (1–100 characters, unique per message).
 * The card's Accept, Transfer, Resolve and More (a select); `templates` under a notice;
 * `resolve-yes` and `cancel` on the question Resolve asks first (Discord buttons have no confirm).
 */
export const CONTROLS = ['accept', 'transfer', 'resolve', 'more', 'templates', 'resolve-yes', 'cancel'] as const;
export type Control = (typeof CONTROLS)[number];
export const controlId = (control: Control, ticketId: string) => `ponte:${control}:${ticketId}`;

export function parseControlId(customId: string): { control: Control; ticketId: string } | undefined {
  const m = /^ponte:([a-z-]+):(\d{1,18})$/.exec(customId);
  if (!m || !(CONTROLS as readonly string[]).includes(m[1]!)) return undefined;
  return { control: m[1] as Control, ticketId: m[2]! };
}

/**
 * A modal's `custom_id` carries what Slack keeps in private_metadata: the form's kind, its
 * ticket and the post it was opened from, `ponte:form:<kind>:<ticket>[:<forum>:<post>]`
 * (at most 11 + 8 + 19 + 42 = 80 characters). Discord hands it back with the submission.
 */
export const formCustomId = (kind: string, ticketId: string, from?: { containerId: string; threadId: string }) =>
  `ponte:form:${kind}:${ticketId}${from ? `:${from.containerId}:${from.threadId}` : ''}`;

export function parseFormCustomId(customId: string): { kind: string; ticketId: string; from?: { containerId: string; threadId: string } } | undefined {
  const m = /^ponte:form:([a-z]+):(\d{1,18})(?::(\d{1,20}):(\d{1,20}))?$/.exec(customId);
  if (!m) return undefined;
  return { kind: m[1]!, ticketId: m[2]!, ...(m[3] ? { from: { containerId: m[3], threadId: m[4]! } } : {}) };
}

/**
 * Discord's `nonce` is at most 25 characters; Ponte's key already fits (`PostKey`). The parts of
 * a text split over several messages each get their own, so `enforce_nonce` keeps each once.
 */
export function partNonce(key: string | undefined, part: number): string | undefined {
  if (!key) return undefined;
  return (part === 0 ? key : `${key}.${part}`).slice(0, 25);
}
