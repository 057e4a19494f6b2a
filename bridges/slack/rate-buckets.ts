/**
 * Slack's rate-limit buckets, as the gate names them. chat.postMessage is limited per channel
 * (about one message a second, short bursts allowed); the other Web API methods by tier, per
 * method and workspace. A file upload is three calls, limited together here.
 */
export const postBucket = (channel: string) => `slack:chat.postMessage:${channel}`;
export const methodBucket = (method: string) => `slack:${method}`;
export const UPLOAD_BUCKET = methodBucket('files.upload');

/**
 * What the dispatcher paces a channel's new posts by (src/core/pacer.ts): Slack allows about one
 * chat.postMessage per second per channel. Declared a little under it (one per 1.05 s, no burst),
 * so the few milliseconds between a turn and Slack's receipt never make two posts look closer
 * than a second apart; short bursts Slack may allow are not counted on.
 */
export const postAllowance = (channel: string) => ({ bucket: postBucket(channel), perSecond: 0.95, burst: 1 });
