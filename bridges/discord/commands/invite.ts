import { PermissionFlagsBits as P } from 'discord.js';

/**
 * What the bot does in a server, and the permission each needs: read and post in forums and
 * their posts (View Channel, Send Messages, Send Messages in Threads, Read Message History),
 * open posts or threads (Create Public Threads), tag, archive and lock them (Manage Threads),
 * create the status tags on a forum (Manage Channels), post as the customer (Manage Webhooks),
 * cards and files (Embed Links, Attach Files), and mark notes (Add Reactions).
 */
export const BOT_PERMISSIONS =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.ReadMessageHistory | P.CreatePublicThreads |
  P.ManageThreads | P.ManageChannels | P.ManageWebhooks | P.EmbedLinks | P.AttachFiles | P.AddReactions;

/** The install link: the bot with exactly those permissions, and its slash commands. */
export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: BOT_PERMISSIONS.toString() });
  return `https://discord.com/oauth2/authorize?${q.toString()}`;
}
