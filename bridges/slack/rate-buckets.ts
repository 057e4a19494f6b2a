/**
 * Slack's rate-limit buckets, as the gate names them. chat.postMessage is limited per channel
 * (about one message a second, short bursts allowed); the other Web API methods by tier, per
 * method and workspace. A file upload is three calls, limited together here.
 */
export const postBucket = (channel: string) => `slack:chat.postMessage:${channel}`;
export const methodBucket = (method: string) => `slack:${method}`;
export const UPLOAD_BUCKET = methodBucket('files.upload');
