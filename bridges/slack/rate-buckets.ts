/**
 * Slack's rate-limit buckets, as the gate names them. chat.postMessage is limited per channel
 * (about one message a second, short bursts allowed); the other Web API methods by tier, per
 * method and workspace. A file upload is three calls, limited together here.
 */
export const postBucket = (channel: string) => `slack:chat.postMessage:${channel}`;
export const isPostBucket = (bucket: string) => bucket.startsWith('slack:chat.postMessage:');

/**
 * Slack counts a channel's second from each post it took: once a post is answered, the channel's
 * next post waits this long from the answer (the pacer holds the channel until then). Anchored on
 * the answer, a post slowed on its way never makes the next one land inside the second, so the
 * pacer can use the whole allowance instead of a declared margin.
 */
export const POST_SPACING_MS = 1000;
export const methodBucket = (method: string) => `slack:${method}`;
export const UPLOAD_BUCKET = methodBucket('files.upload');

/**
 * What the dispatcher paces a channel's new posts by (src/core/pacer.ts): Slack allows about one
 * chat.postMessage per second per channel. Declared a little under it (one per 1.05 s, no burst)
 * as the starting guess; once posts are answered, each answer holds the channel for a second
 * from then (POST_SPACING_MS), which is what paces a busy channel. Short bursts Slack may allow
 * are not counted on.
 */
export const postAllowance = (channel: string) => ({ bucket: postBucket(channel), perSecond: 0.95, burst: 1 });

/** chat.update's bucket: Slack limits it by its Web API tier, per method and workspace. */
export const UPDATE_BUCKET = methodBucket('chat.update');

/**
 * What the dispatcher paces card updates (chat.update) by: Slack's Tier 3, "50+ per minute" per
 * workspace, read strictly as 50 in any 60 s (Slack's docs name no window; a sliding one is the
 * strictest reading). A token bucket of size B refilled at r a second lets through at most
 * B + 60·r in any 60 s, so B + 60·r must stay under 50: a burst of 10 ("sporadic bursts
 * welcome": the few updates an agent's actions make go at once) and 0.65 a second give at most 49,
 * one spare for a clock that drifts between Slack and us. A storm of updates then drains at 39 a
 * minute, where Slack would take 50 and refuse the rest for up to a minute each.
 */
export const updateAllowance = () => ({ bucket: UPDATE_BUCKET, perSecond: 0.65, burst: 10 });
