import type { AgentCapabilities } from '../../src/core/ports.js';

/** Discord facts the bridge respects (discord-notes.md); the core reads them through the port. */
export const discordCapabilities: AgentCapabilities = {
  /** A bot or webhook message holds 2000 characters; the bridge splits longer texts, in order. */
  maxTextLength: 2000,
  /** Ephemeral messages exist only as answers to an interaction, while its token lives (15 min). */
  privateReplies: 'interaction-window',
  /** Modals, opened as the first answer to a press (`openForm`'s trigger is the interaction's `id:token`). */
  forms: true,
  /** Discord has no per-user home tab. */
  home: false,
  /** Forum posts carry forum tags (status, and ticket tags that match a forum tag). */
  threadTags: true,
};

/** Discord wants an interaction answered (or deferred) within this long. */
export const discordAckDeadlineMs = 3_000;
/** An interaction's token lives 15 minutes; Ponte stops using it a little before. */
export const interactionTokenTtlMs = 14 * 60_000;
