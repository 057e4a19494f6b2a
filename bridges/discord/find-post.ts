import { Routes, type REST } from 'discord.js';
import type { FoundPost, PostKey, PostPlace, ThreadRef } from '../../src/core/ports.js';
import { messageId } from './ids.js';

/** Discord's epoch (2015-01-01), for building a snowflake from a time. */
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Our clock and Discord's disagree a little: look this far before an attempt began. */
const SKEW_MS = 2_000;
/** One history page, and how many are read at most (reads are rate limited; the core asks rarely). */
const PAGE = 100;
const MAX_PAGES = 5;
/** What an attempt is remembered for: longer than the outbox retries a row. */
const REMEMBER_MS = 6 * 3_600_000;

/** The smallest snowflake Discord could give a message created at `ms`. */
export function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH) << 22n).toString();
}

/** What identifies a post Ponte began: where, by whom, its first part's content, and when it began. */
export interface Begun {
  channelId: string;
  /** The webhook a customer's words went through; absent: a bot message. */
  webhookId?: string;
  content: string;
  /** A forum post opened with this name (a ticket card, an announcement). */
  postName?: string;
  after: string;
}

interface Listed {
  id: string;
  content?: string;
  nonce?: string | number;
  webhook_id?: string;
  author?: { id: string };
  attachments?: { filename: string }[];
}

interface ListedThread { id: string; parent_id?: string | null; name: string; owner_id?: string }

/**
 * Finds a post whose attempt's outcome is unknown (a 5xx after Discord acted, a dropped
 * connection), so the outbox does not post it twice. A bot message carries Ponte's key as its
 * `nonce`, but Discord keeps the nonce only on the create answer and the gateway event (history
 * may leave it out), and a webhook execute takes no nonce at all. So each attempt is also
 * remembered here when it begins (where, as whom, its first part's text, the time): the post is
 * the one of ours, with that text, in that thread, created after the attempt began. The thread's
 * lane is ordered, so an earlier post with the same words was settled before this attempt began.
 * Attempts are remembered in Redis (`AttemptStore`), so a restarted or another process finds
 * them; only if Redis lost them too does a customer's webhook post go again.
 */
/**
 * Where attempts are remembered: shared by every process of the deployment (Redis, beside the
 * gateway's facts), so a worker that restarted, or another worker retrying the row, finds them.
 */
export interface AttemptStore {
  rememberAttempt(key: string, value: string, ttlMs: number): Promise<void>;
  attempt(key: string): Promise<string | undefined>;
  forgetAttempt(key: string): Promise<void>;
}

export class PostFinder {
  constructor(
    private readonly rest: REST,
    private readonly botId: () => string | undefined,
    private readonly store: AttemptStore,
  ) {}

  /** Remembers an attempt as it begins (only keyed posts can be looked for); kept until it settles. */
  async begin(key: PostKey | undefined, what: Omit<Begun, 'after'>): Promise<void> {
    if (!key) return;
    const begun: Begun = { ...what, after: snowflakeAt(Date.now() - SKEW_MS) };
    await this.store.rememberAttempt(key, JSON.stringify(begun), REMEMBER_MS);
  }

  /** The attempt settled (its answer came): it will not be looked for, so it is not kept. */
  async forget(key: PostKey | undefined): Promise<void> {
    if (key) await this.store.forgetAttempt(key);
  }

  async findPost(req: { where: PostPlace; key: PostKey; since: Date }): Promise<FoundPost | undefined> {
    const raw = await this.store.attempt(req.key);
    const begun = raw ? (JSON.parse(raw) as Begun) : undefined;
    if (begun?.postName) return this.findForumPost(begun);
    const channelId = 'thread' in req.where ? req.where.thread.threadId : req.where.destination;
    const after = begun?.after ?? snowflakeAt(req.since.getTime());
    const hit = await this.search(channelId, after, (m) => String(m.nonce ?? '') === req.key || (!!begun && this.isOurs(m, begun) && (m.content ?? '').trim() === begun.content.trim()));
    if (!hit) return undefined;
    return { externalId: messageId(channelId, hit.id) };
  }

  /**
   * A file shared by an attempt whose outcome is unknown. Discord has no file id before the
   * upload, so `fileId` is what the attempt remembered before it began (`fileMarker`): the time
   * it began, and the file's name. The file is ours, in the thread, named so, and newer.
   */
  async findFile(req: { fileId: string; thread: ThreadRef }): Promise<FoundPost | undefined> {
    const marker = parseFileMarker(req.fileId);
    if (!marker) return undefined;
    const hit = await this.search(req.thread.threadId, marker.after, (m) =>
      (m.author?.id === this.botId() || !!m.webhook_id) && (m.attachments ?? []).some((a) => a.filename === marker.filename),
    );
    return hit ? { externalId: messageId(req.thread.threadId, hit.id) } : undefined;
  }

  private isOurs(m: Listed, begun: Begun): boolean {
    return begun.webhookId ? m.webhook_id === begun.webhookId : !m.webhook_id && m.author?.id === this.botId();
  }

  /** A forum post this attempt opened: among the guild's active threads, under the forum, with its name. */
  private async findForumPost(begun: Begun): Promise<FoundPost | undefined> {
    const forum = (await this.rest.get(Routes.channel(begun.channelId))) as { guild_id?: string };
    if (!forum.guild_id) return undefined;
    const { threads } = (await this.rest.get(Routes.guildActiveThreads(forum.guild_id))) as { threads: ListedThread[] };
    const post = threads.find((t) => t.parent_id === begun.channelId && t.name === begun.postName && BigInt(t.id) >= BigInt(begun.after) && (!t.owner_id || t.owner_id === this.botId()));
    return post ? { externalId: messageId(post.id, post.id), opens: { containerId: begun.channelId, threadId: post.id } } : undefined;
  }

  /** Messages of `channelId` newer than `after`, oldest first, page by page, until `match`. */
  private async search(channelId: string, after: string, match: (m: Listed) => boolean): Promise<Listed | undefined> {
    let cursor = after;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = (await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ after: cursor, limit: String(PAGE) }) })) as Listed[];
      const oldestFirst = [...list].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const hit = oldestFirst.find(match);
      if (hit) return hit;
      if (list.length < PAGE) return undefined;
      cursor = oldestFirst.at(-1)!.id;
    }
    return undefined;
  }
}

/** What a file upload remembers before it begins (its "file id" for `findFile`). */
export const fileMarker = (filename: string, at = Date.now()) => `${snowflakeAt(at - SKEW_MS)}/${filename}`;

function parseFileMarker(id: string): { after: string; filename: string } | undefined {
  const m = /^(\d{1,20})\/(.+)$/s.exec(id);
  return m ? { after: m[1]!, filename: m[2]! } : undefined;
}
