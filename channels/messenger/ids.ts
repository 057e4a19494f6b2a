/**
 * The only place that builds Messenger/Instagram keys. Keys carry the channel's prefix, so a
 * Page and an Instagram account never share one.
 * - message: its `mid`; a reaction, an edit or a deletion notice is a new event about an existing
 *   mid, so each gets its own key (a deletion must not fall out as a duplicate of the original;
 *   each edit of one message has its own number);
 * - status: (mid, status), or for a watermark (account, contact, watermark, status), because a
 *   watermark is only a time and two customers can read at the same millisecond;
 * - echo: our own send coming back, kept apart from anything a customer sends.
 */
export type MetaChannelKind = 'messenger' | 'instagram';

const PREFIX: Record<MetaChannelKind, string> = { messenger: 'fb', instagram: 'ig' };

export const messageDedupeKey = (kind: MetaChannelKind, mid: string) => `${PREFIX[kind]}:m:${mid}`;
export const deletionDedupeKey = (kind: MetaChannelKind, mid: string) => `${PREFIX[kind]}:d:${mid}`;
export const editDedupeKey = (kind: MetaChannelKind, editId: string) => `${PREFIX[kind]}:x:${editId}`;
export const reactionDedupeKey = (kind: MetaChannelKind, reactionId: string) => `${PREFIX[kind]}:r:${reactionId}`;
export const echoDedupeKey = (kind: MetaChannelKind, mid: string) => `${PREFIX[kind]}:e:${mid}`;
export const statusDedupeKey = (kind: MetaChannelKind, mid: string, status: string) => `${PREFIX[kind]}:s:${mid}:${status}`;
export const watermarkDedupeKey = (kind: MetaChannelKind, accountId: string, contactId: string, watermark: string, status: string) =>
  `${PREFIX[kind]}:w:${accountId}:${contactId}:${watermark}:${status}`;

/** One customer (PSID/IGSID) on one Page or Instagram account: handled one at a time, in order. */
export const orderingKey = (kind: MetaChannelKind, accountId: string, contactId: string) => `${PREFIX[kind]}:${accountId}:${contactId}`;

/** A reaction's own id: the reacted message, what was done, and when (one per reaction). */
export const reactionId = (mid: string, action: string, timestampMs: number) => `${mid}:${action}:${timestampMs}`;

/** An edit's own id: the edited message and which edit this is (Meta counts them in `num_edit`). */
export const editId = (mid: string, numEdit: number | undefined, timestampMs: number) => `${mid}:edit:${numEdit ?? `t${timestampMs}`}`;

/** A deletion notice's own id, apart from the deleted message's mid. */
export const deletionId = (mid: string) => `${mid}:deleted`;

/**
 * Webhook times are milliseconds; a few documented examples (postbacks) carry seconds as a
 * string, so small values are read as seconds. Nothing usable → now.
 */
export function msFromTimestamp(ts: unknown): number | undefined {
  const n = typeof ts === 'string' && ts.trim() ? Number(ts) : typeof ts === 'number' ? ts : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return n < 1e12 ? n * 1000 : n;
}

export function isoFromMs(ms: number | undefined): string {
  return new Date(ms ?? Date.now()).toISOString();
}
