import type { WebClient } from '@slack/web-api';

/**
 * The first channel the bot is a member of (`users.conversations`; needs `channels:read` or
 * `groups:read`), or undefined when it is in none. The playground connects its number there on
 * first start when PONTE_PLAYGROUND_CHANNEL does not name one.
 */
export async function firstMemberChannel(client: WebClient): Promise<string | undefined> {
  const res = await client.users.conversations({ types: 'public_channel,private_channel', exclude_archived: true, limit: 100 });
  return res.channels?.find((c) => c.id)?.id;
}
