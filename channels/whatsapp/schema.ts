import { z } from 'zod';

/** The WhatsApp Business Account webhook envelope (only what routing needs is required). */
export const waEnvelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })),
    }),
  ),
});

/** `{code, title, message, error_data.details}`: on statuses, unsupported messages and `value.errors`. */
export const waError = z.object({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

export const waValue = z.object({
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  // Read one by one (`waContact`): a contact we cannot read spoils none of the messages.
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  // Webhook-level errors (e.g. 131000) come with no message; parsed leniently, one by one.
  errors: z.array(z.unknown()).optional(),
});

/**
 * Who wrote: since 2026 a business-scoped user id (`user_id`) always, the phone (`wa_id`) only
 * when WhatsApp shares it, and `profile.username` when the customer has one.
 */
export const waContact = z
  .object({
    wa_id: z.string().optional(),
    user_id: z.string().optional(),
    profile: z.object({ name: z.string().optional(), username: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/**
 * One message. Only what every type has is required; the body under the type's key is read
 * by the renderer, which tolerates missing fields (Meta adds fields and types over time).
 */
export const waMessage = z
  .object({
    // Either may be missing (a customer with a username may come with no phone): the contact's
    // ids are read from the message and `contacts[]` together (inbound.ts `identityOf`).
    from: z.string().optional(),
    from_user_id: z.string().optional(),
    id: z.string(),
    timestamp: z.union([z.string(), z.number()]),
    type: z.string(),
    text: z.object({ body: z.string() }).optional(),
    // A reply carries {from, id}; a forward carries {forwarded | frequently_forwarded: true}.
    context: z
      .object({
        from: z.string().optional(),
        id: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
    // Click-to-WhatsApp ad (or post) the customer came from.
    referral: z
      .object({ source_url: z.string().optional(), source_type: z.string().optional(), headline: z.string().optional() })
      .passthrough()
      .optional(),
    // Unsupported/unknown messages explain themselves here; read leniently so they are never dropped.
    errors: z.array(waError.partial()).optional(),
  })
  .passthrough();

export const waStatus = z.object({
  id: z.string(),
  // `played`: a voice message the customer played (it was read, and more).
  status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']),
  timestamp: z.union([z.string(), z.number()]),
  // One of the two is there: the phone only when the message went to a phone (or WhatsApp shares it).
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(waError).optional(),
});

export type WaMessage = z.infer<typeof waMessage>;
export type WaError = z.infer<typeof waError>;
export type WaContact = z.infer<typeof waContact>;
