import type { PostAllowance } from '../../src/core/pacer.js';

/**
 * What the dispatcher paces a forum's new posts by (src/core/pacer.ts). Customers' words go
 * through the forum's one webhook, which Discord holds to about 5 requests per 2 seconds
 * (observed, discord-notes §6); declared a little under it, so a turn's few milliseconds on the
 * way never make a sixth post land inside the window. The starting guess: what Discord's headers
 * say about the webhook's bucket wins once it answers (rate-learning.ts). Bot notices in a thread have their own,
 * looser per-channel bucket (5 per 5 s per thread), which discord.js's headers guard.
 */
export const postAllowance = (forumId: string): PostAllowance => ({ bucket: `discord:webhook:${forumId}`, perSecond: 2.4, burst: 5 });
