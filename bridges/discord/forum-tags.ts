import { Routes, type REST } from 'discord.js';
import type { TicketCard } from '../../src/core/ports.js';
import type { ChannelInfo, ForumTag } from './channels.js';

/** A status shows as a forum tag, so the forum's own tag filter is a queue. Never by renaming the post. */
export const STATUS_TAGS: Record<TicketCard['status'], string> = { pending: 'Pending', open: 'Open', resolved: 'Resolved' };
/** A post carries at most 5 tags; a forum holds at most 20. */
const MAX_APPLIED = 5;
const MAX_AVAILABLE = 20;

/**
 * A forum's tags, with Ponte's status tags created (moderated: only people who may manage threads
 * flip them by hand) when missing. Sending `available_tags` replaces the list, so existing tags go
 * back with their ids. One read (and at most one edit) per forum per process, shared by callers.
 */
export class ForumTags {
  private readonly known = new Map<string, Promise<ForumTag[]>>();

  constructor(private readonly rest: REST) {}

  tags(forumId: string): Promise<ForumTag[]> {
    let got = this.known.get(forumId);
    if (!got) {
      got = this.ensure(forumId);
      this.known.set(forumId, got);
      got.catch(() => this.known.delete(forumId));
    }
    return got;
  }

  /** Forget what was read (a tag may have been removed by hand: Discord refused the ids). */
  forgetAll(): void {
    this.known.clear();
  }

  /** The tags a ticket's post carries: its status first, then its ticket tags that match a forum tag. */
  async applied(forumId: string, card: Pick<TicketCard, 'status' | 'tags'>): Promise<string[]> {
    const tags = await this.tags(forumId);
    const byName = (name: string) => tags.find((t) => t.name.toLowerCase() === name.toLowerCase());
    const status = byName(STATUS_TAGS[card.status]);
    const statusNames = new Set(Object.values(STATUS_TAGS).map((n) => n.toLowerCase()));
    const extra = card.tags.filter((g) => !statusNames.has(g.toLowerCase())).map(byName).filter((t): t is ForumTag => !!t);
    return [...new Set([status, ...extra].filter((t): t is ForumTag => !!t).map((t) => t.id))].slice(0, MAX_APPLIED);
  }

  private async ensure(forumId: string): Promise<ForumTag[]> {
    const forum = (await this.rest.get(Routes.channel(forumId))) as ChannelInfo;
    const have = forum.available_tags ?? [];
    const missing = Object.values(STATUS_TAGS).filter((name) => !have.some((t) => t.name.toLowerCase() === name.toLowerCase()));
    if (missing.length === 0) return have;
    const room = Math.max(0, MAX_AVAILABLE - have.length);
    const keep = have.map((t) => ({ id: t.id, name: t.name, moderated: t.moderated ?? false, emoji_id: t.emoji_id ?? null, emoji_name: t.emoji_name ?? null }));
    const add = missing.slice(0, room).map((name) => ({ name, moderated: true }));
    const edited = (await this.rest.patch(Routes.channel(forumId), { body: { available_tags: [...keep, ...add] } })) as ChannelInfo;
    return edited.available_tags ?? have;
  }
}
