// How the fake Discord's route handlers answer: a status and a JSON body, with Discord's own error
// codes (topics/opcodes-and-status-codes.mdx, "JSON Error Codes") for the failures a bridge meets.
import type { DiscordWorld } from './world.js';

/** A file part of a multipart request (`files[n]`). */
export interface UploadedFile { field: string; filename: string; contentType: string; bytes: Buffer }

export interface RouteContext {
  world: DiscordWorld;
  /** Path parameters by their spec names (channel_id, message_id, webhook_token…). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, or a multipart body's `payload_json`; undefined when there is none. */
  body: Record<string, unknown> | undefined;
  /** The decoded JSON as sent (an array for bulk command overwrites). */
  json: unknown;
  files: UploadedFile[];
}

export interface Reply { status: number; body?: unknown }
export type RouteHandler = (ctx: RouteContext) => Reply;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const noContent: Reply = { status: 204 };
export const discordError = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });

export const refuse = {
  unknownChannel: () => discordError(404, 10003, 'Unknown Channel'),
  unknownMessage: () => discordError(404, 10008, 'Unknown Message'),
  unknownWebhook: () => discordError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => discordError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => discordError(400, 40060, 'Interaction has already been acknowledged.'),
  emptyMessage: () => discordError(400, 50006, 'Cannot send an empty message'),
  archivedThread: () => discordError(400, 50083, 'Thread is archived'),
  lockedThread: () => discordError(403, 160005, 'Thread is locked'),
  notInForum: () => discordError(400, 40058, 'Cannot send messages in a forum channel'),
  forumWebhookNeedsThread: () => discordError(400, 220001, 'Webhooks posted to forum channels must have a thread_name or thread_id'),
  tooManyWebhooks: () => discordError(400, 30007, 'Maximum number of webhooks reached (15)'),
};
