import type { Sql } from '../db/connect.js';
import type { AgentBridge } from '../core/ports.js';
import type { AgentPlatform } from '../core/events.js';
import type { Metrics } from '../metrics.js';
import { code, joinRich, type Rich } from '../core/rich-text.js';
import { say } from '../i18n/catalog.js';
import { contextIn, contextOf, customerLabel, joinMessageContext, type MessageContext, type MessageContextRow } from '../messages/context.js';
import { bridgeFor, type Effect, type OperationDeps } from './operation-deps.js';
import { earlierPost, keyOf, type Attempt } from './reconcile.js';

/**
 * Merged posts (issue 14): when a ticket's customer messages are already waiting in its agent
 * lane as its turn comes (behind a platform's rate limit, a slow post, a busy worker), the run of
 * plain text messages at the head of the lane is posted as ONE post under the customer's name,
 * each message a line with the time it was written. A lone message is posted as before.
 *
 * The run is decided once, in the statement that claims the head row, and recorded in the head
 * row's payload (`merged`): every later attempt at that row (a retry, a retry after a crash that
 * finds the earlier post by its key) posts or links exactly that run, never a longer one that grew
 * meanwhile. Every message of the run is linked to the post (message_links, `merged`), and the
 * run's rows settle in one statement. A reaction on a merged post means its last message
 * (agent/reaction.ts).
 */
export interface MergeSettings {
  /** PONTE_MERGE_QUEUED=on (absent: off). */
  mergeQueued?: boolean;
  /** PONTE_TIMEZONE: the time shown on each line (absent: UTC). */
  timeZone?: string;
}

/** One message of a merged post: its outbox row and its message. The head's comes first. */
export interface Member {
  rowId: string;
  messageId: string;
}

/** At most this many messages in one post. */
export const MERGE_MAX_MESSAGES = 10;
/** What a line adds to the message's words (its time, a separator, a line break), counted generously. */
const LINE_OVERHEAD = 16;

interface ClaimDeps extends MergeSettings {
  sql: Sql;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
}

interface HeadRow {
  id: string;
  lane: string;
  kind: string;
  state: string;
  attempts: number;
  payload: Record<string, unknown>;
}

/** The run a head row's earlier claim recorded, if it recorded one. */
export function recordedRun(row: Pick<HeadRow, 'payload'>): Member[] | undefined {
  const run = row.payload.merged;
  return Array.isArray(run) && run.length > 0 ? (run as Member[]) : undefined;
}

/**
 * Whether the head may start a merged post: merging is on, it is a plain thread post on its first
 * attempt (an attempt before may have posted it alone; it is then never merged).
 */
function mayMerge(deps: ClaimDeps, row: HeadRow): boolean {
  return !!deps.mergeQueued && row.kind === 'thread.post' && row.state === 'pending' && row.attempts === 0
    && !('thread' in row.payload) && !('offerTemplates' in row.payload) && !('merged' in row.payload);
}

/**
 * The characters a merged post may hold: half the shortest post any bridge takes (a platform's
 * escaping can lengthen the words), so the post stays one post wherever the ticket is worked.
 */
function charBudget(deps: ClaimDeps): number {
  const limits = [...deps.bridges.values()].map((b) => b.capabilities.maxTextLength);
  return Math.floor(Math.min(...limits, 40_000) / 2);
}

/**
 * Claims the head row as `claimRow` does (in flight, one more attempt, only if it is still as it
 * was read; committed without waiting for the disk) and, in the same statement, decides the run:
 * the lane's waiting rows from the head on, in order, while each is a first-attempt post of a
 * customer's plain text (no quote, no file, no system line; a file, a card, a notice ends the
 * run), at most MERGE_MAX_MESSAGES and within the character budget. A run of two or more is
 * recorded in the head's payload and returned; a lone message is claimed as before. When the head
 * cannot merge (or already recorded a run), returns undefined: the caller claims as usual.
 */
export async function claimMerging(deps: ClaimDeps, row: HeadRow, attempts: number): Promise<{ claimed: boolean; run?: Member[]; context?: MessageContext } | undefined> {
  if (!mayMerge(deps, row)) return undefined;
  // One statement, committed without waiting for the disk, as claimRow does; it also reads the
  // head's message context, as claimRow does.
  const [claimed] = await deps.sql<({ merged: Member[] | null } & Partial<MessageContextRow>)[]>`
      WITH lane AS (
        SELECT o.id,
          (o.kind = 'thread.post' AND o.state = 'pending' AND o.attempts = 0
            AND NOT (o.payload ? 'thread') AND NOT (o.payload ? 'offerTemplates') AND NOT (o.payload ? 'merged')
            AND m.direction = 'inbound' AND m.kind = 'text' AND m.quote IS NULL AND m.rich IS NULL
            AND jsonb_array_length(m.attachments) = 0) AS plain,
          m.id AS message_id,
          length(COALESCE(m.body, '')) + ${LINE_OVERHEAD} AS chars
        FROM outbox o
        LEFT JOIN messages m ON o.kind = 'thread.post' AND m.id = (o.payload->>'messageId')::bigint
        WHERE o.lane = ${row.lane} AND o.state IN ('pending', 'sending') AND o.id >= ${row.id}
        ORDER BY o.id LIMIT ${MERGE_MAX_MESSAGES}),
      counted AS (
        SELECT id, message_id, bool_and(plain) OVER w AS all_plain, sum(chars) OVER w AS total FROM lane
        WINDOW w AS (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
      run AS (SELECT id, message_id FROM counted WHERE all_plain AND total <= ${charBudget(deps)}),
      decided AS (
        SELECT CASE WHEN count(*) > 1
          THEN jsonb_agg(jsonb_build_object('rowId', id::text, 'messageId', message_id::text) ORDER BY id) END AS merged
        FROM run),
      claimed AS (
        UPDATE outbox SET state = 'sending', attempts = ${attempts},
          payload = CASE WHEN decided.merged IS NULL THEN payload ELSE payload || jsonb_build_object('merged', decided.merged) END
        FROM decided, (SELECT set_config('synchronous_commit', 'off', true)) AS commit_mode
        WHERE outbox.id = ${row.id} AND outbox.state = ${row.state} AND outbox.attempts = ${row.attempts}
        RETURNING decided.merged AS merged)
      SELECT claimed.merged, ctx.* FROM claimed ${joinMessageContext(deps.sql, String(row.payload.messageId))}`;
  if (!claimed) return { claimed: false };
  return { claimed: true, context: contextIn(claimed), ...(claimed.merged ? { run: claimed.merged } : {}) };
}

/** What posting a run produced: the post's link, and the messages it carries. */
export interface MergedEffect extends Effect {
  messageIds: string[];
}

export interface RunMessage {
  id: string;
  body: string;
  occurred_at: Date;
  linked: boolean;
}

/**
 * Posts a run as one post in the ticket's thread, under the customer's name: one line per
 * message, its time then its words (neutral rich text; the bridge escapes the words as it does a
 * customer's message). An attempt whose outcome is unknown looks for its earlier post first, by
 * the head row's key, and links the run to it. A message of the run already on the agent side
 * (a run recorded by a row that failed, then re-queued by `/ponte retry`) is left out.
 */
export async function postRun(deps: OperationDeps & MergeSettings, run: Member[], attempt: Attempt): Promise<MergedEffect> {
  const head = await contextOf(deps.sql, run[0]!.messageId, attempt.context);
  const platform = head.agentPlatform;
  if (!head.thread) throw new Error(`ticket ${head.ticketId} has no ${platform} thread`);
  const rows = await runMessages(deps.sql, run.map((r) => r.messageId), platform);
  const waiting = rows.filter((r) => !r.linked);
  const messageIds = waiting.map((r) => r.id);
  if (waiting.length === 0) return { lanes: [], messageIds };
  const bridge = bridgeFor(deps, platform);
  const thread = head.thread;
  const link = (externalId: string) => ({ messageId: messageIds[0]!, platform, externalId, markSent: false });
  const earlier = await earlierPost(deps.sql, bridge, attempt, { thread });
  if (earlier) return { lanes: [], link: link(earlier.externalId), messageIds };
  const posted = await bridge.post({
    thread,
    text: mergedText(deps, waiting),
    style: 'customer',
    authorName: customerLabel(head),
    ...keyOf(attempt),
  });
  return { lanes: [], link: link(posted.externalId), messageIds };
}

/**
 * The run's messages, in order, each saying whether it is already on `platform`. Each message's
 * link is looked up by its own index entry (a lateral read, LIMIT 1): as an EXISTS, statistics
 * older than the table's contents made the planner read every link of the platform into a hash,
 * at each merged post.
 */
export function runMessages(sql: Sql, messageIds: string[], platform: string): Promise<RunMessage[]> {
  return sql<RunMessage[]>`
    SELECT m.id::text AS id, m.body, m.occurred_at, l.message_id IS NOT NULL AS linked
    FROM messages m
    LEFT JOIN LATERAL (SELECT message_id FROM message_links WHERE message_id = m.id AND platform = ${platform} LIMIT 1) l ON true
    WHERE m.id = ANY(${messageIds}::bigint[]) ORDER BY m.id`;
}

/** The lines of a merged post: each message's time (HH:MM where the team works) and its words. */
export function mergedText(deps: Pick<OperationDeps, 'locale'> & MergeSettings, messages: { body: string; occurred_at: Date }[]): Rich {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: deps.timeZone ?? 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return joinRich(messages.map((m) => say(deps.locale, 'customer.merged_line', { time: code(clock.format(m.occurred_at)), text: m.body })), '\n');
}

/**
 * Closes the run's rows done and links each of its messages to the post, in one statement that
 * also reads the lane's next row (as dispatch's `settle` does). The head row takes the attempt's
 * count; the others are settled only if still waiting.
 */
export async function settleRun<Row extends object>(
  deps: { sql: Sql; metrics: Metrics },
  row: { id: string; lane: string; kind: string },
  attempts: number,
  run: Member[],
  effect: MergedEffect,
): Promise<Row | undefined> {
  const rowIds = run.map((r) => r.rowId);
  const link = effect.link;
  const [next] = await deps.sql<Row[]>`
    WITH settled AS (
      UPDATE outbox SET state = 'done', attempts = CASE WHEN id = ${row.id} THEN ${attempts} ELSE attempts END, last_error = NULL, done_at = now()
      WHERE id = ANY(${rowIds}::bigint[]) AND (id = ${row.id} OR state IN ('pending', 'sending'))),
    link AS (
      INSERT INTO message_links (message_id, platform, external_id, merged)
      SELECT unnest(${effect.messageIds}::bigint[]), ${link?.platform ?? ''}, ${link?.externalId ?? ''}, true
      WHERE ${link !== undefined} ON CONFLICT DO NOTHING)
    SELECT id, lane, kind, payload, state, attempts, next_attempt_at, created_at FROM outbox
    WHERE lane = ${row.lane} AND state IN ('pending', 'sending') AND id <> ALL(${rowIds}::bigint[]) ORDER BY id LIMIT 1`;
  deps.metrics.dispatched.inc({ kind: row.kind, result: 'done' });
  deps.metrics.dispatched.inc({ kind: row.kind, result: 'merged' }, run.length - 1);
  return next;
}
