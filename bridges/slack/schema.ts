import { z } from 'zod';

export const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() });

export const eventCallback = z.object({
  type: z.literal('event_callback'),
  event_id: z.string(),
  team_id: z.string().optional(),
  event: z.object({ type: z.string() }).passthrough(),
});

/** A `message` event; only what relaying needs is required (bot/echo fields are optional). */
export const messageEvent = z.object({
  type: z.literal('message'),
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  files: z.array(z.unknown()).optional(),
});

export const slashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().optional(),
});

export type SlashCommand = z.infer<typeof slashCommand>;

/**
 * A modal's submission: every input block's element has action_id 'value' and holds what its
 * kind holds (a user, an option, checked options, a text); other elements are not read.
 */
export const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string(),
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(
        z.string(),
        z.object({
          value: z
            .object({
              selected_user: z.string().nullish(),
              selected_option: z.object({ value: z.string() }).nullish(),
              selected_options: z.array(z.object({ value: z.string() })).nullish(),
              value: z.string().nullish(),
            })
            .optional(),
        }),
      ),
    }),
  }),
});

/** A button press (`block_actions`); only what acting on a ticket needs is required. */
export const blockActions = z.object({
  type: z.literal('block_actions'),
  trigger_id: z.string(),
  user: z.object({ id: z.string() }),
  container: z.object({ type: z.string().optional(), channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).passthrough(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().optional(),
        selected_option: z.object({ value: z.string() }).optional(),
        action_ts: z.string().optional(),
      }),
    )
    .min(1),
});

export const appHomeOpened = z.object({ type: z.literal('app_home_opened'), user: z.string(), tab: z.string() });

export const messageShortcut = z.object({
  type: z.literal('message_action'),
  callback_id: z.string(),
  trigger_id: z.string(),
  user: z.object({ id: z.string() }),
  channel: z.object({ id: z.string() }),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).passthrough(),
});

/** `reaction_added` / `reaction_removed`: who, which emoji name, and on what (a message: channel + ts). */
export const reactionEvent = z.object({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }).passthrough(),
  event_ts: z.string(),
});
