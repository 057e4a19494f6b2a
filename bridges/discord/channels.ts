import { Routes, type REST } from 'discord.js';

export const ChannelType = { GuildText: 0, GuildAnnouncement: 5, PublicThread: 11, GuildForum: 15 } as const;

export interface ForumTag { id: string; name: string; moderated?: boolean; emoji_id?: string | null; emoji_name?: string | null }

export interface ChannelInfo {
  id: string;
  type: number;
  guild_id?: string;
  available_tags?: ForumTag[];
}

/**
 * What kind of channel a destination is (forum or text) and its guild, read once per channel:
 * a channel's type does not change. Forum tags are kept by forum-tags.ts, which may refresh them.
 */
export class ChannelDirectory {
  private readonly known = new Map<string, Promise<ChannelInfo>>();

  constructor(private readonly rest: REST) {}

  info(channelId: string): Promise<ChannelInfo> {
    let got = this.known.get(channelId);
    if (!got) {
      got = this.rest.get(Routes.channel(channelId)) as Promise<ChannelInfo>;
      this.known.set(channelId, got);
      got.catch(() => this.known.delete(channelId));
    }
    return got;
  }

  async isForum(channelId: string): Promise<boolean> {
    return (await this.info(channelId)).type === ChannelType.GuildForum;
  }

  /** The guild Ponte serves, learned from any channel it posts in. */
  async guildOf(channelId: string): Promise<string | undefined> {
    return (await this.info(channelId)).guild_id;
  }
}
