import { z } from 'zod';

/** Ids come as strings; a number is read as its digits rather than rejected. */
const id = z.union([z.string().min(1), z.number()]).transform(String);
const time = z.union([z.number(), z.string()]);

/**
 * The `page` / `instagram` webhook envelope: `entry[]` with `messaging[]`, `standby[]` (another
 * app holds the thread) or `changes[].value` (some Instagram deliveries). Only what routing
 * needs is required; each event is validated on its own, so one odd event spoils nothing else.
 */
export const envelope = z.object({
  object: z.string(),
  entry: z.array(
    z
      .object({
        id,
        time: time.optional(),
        messaging: z.array(z.unknown()).optional(),
        standby: z.array(z.unknown()).optional(),
        changes: z.array(z.object({ field: z.string().optional(), value: z.unknown() }).passthrough()).optional(),
      })
      .passthrough(),
  ),
});

export const referral = z
  .object({
    ref: z.string().optional(),
    source: z.string().optional(),
    type: z.string().optional(),
    ad_id: id.optional(),
    ads_context_data: z
      .object({ ad_title: z.string().optional(), photo_url: z.string().optional(), video_url: z.string().optional(), post_id: id.optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const attachment = z.object({ type: z.string(), payload: z.record(z.string(), z.unknown()).nullish() }).passthrough();

export const message = z
  .object({
    mid: z.string().min(1),
    text: z.string().optional(),
    is_echo: z.boolean().optional(),
    is_deleted: z.boolean().optional(),
    is_unsupported: z.boolean().optional(),
    quick_reply: z.object({ payload: z.string().optional() }).passthrough().optional(),
    reply_to: z
      .object({ mid: z.string().optional(), story: z.object({ url: z.string().optional(), id: id.optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
    attachments: z.array(attachment).optional(),
    referral: referral.optional(),
  })
  .passthrough();

/** One `messaging[]` / `standby[]` item (or a `changes[].value`). */
export const messagingEvent = z
  .object({
    sender: z.object({ id: id.optional() }).passthrough().optional(),
    recipient: z.object({ id: id.optional() }).passthrough().optional(),
    timestamp: time.optional(),
    message: z.unknown().optional(),
    delivery: z.object({ mids: z.array(z.string()).optional(), watermark: time.optional() }).passthrough().optional(),
    read: z.object({ watermark: time.optional(), mid: z.string().optional() }).passthrough().optional(),
    reaction: z
      .object({ mid: z.string().min(1), action: z.string().optional(), emoji: z.string().optional(), reaction: z.string().optional() })
      .passthrough()
      .optional(),
    postback: z
      .object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional(), referral: referral.optional() })
      .passthrough()
      .optional(),
    referral: referral.optional(),
    // The customer edited a message they sent (webhook field `message_edits`): its mid, the new text, the edit's number.
    message_edit: z.object({ mid: z.string().min(1), text: z.string().optional(), num_edit: z.number().optional() }).passthrough().optional(),
  })
  .passthrough();

export type Attachment = z.infer<typeof attachment>;
export type Message = z.infer<typeof message>;
export type MessagingEvent = z.infer<typeof messagingEvent>;
export type Referral = z.infer<typeof referral>;
