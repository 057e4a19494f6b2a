import type { AgentCapabilities } from '../../src/core/ports.js';

/** Slack facts the bridge respects (platform-notes.md); the core reads them through the port. */
export const slackCapabilities: AgentCapabilities = {
  /** chat.postMessage truncates text beyond this. */
  maxTextLength: 40_000,
  /** chat.postEphemeral reaches a person in a thread at any time, with no interaction needed. */
  privateReplies: 'anytime',
  /** Modals (views.open with an interaction's trigger_id). */
  forms: true,
  /** The App Home tab (views.publish). */
  home: true,
  /** Slack threads carry no tags. */
  threadTags: false,
};

/** Slack retries an event it did not get a 2xx for within this long. */
export const slackAckDeadlineMs = 3_000;

/** The platform's name as people know it, for texts that name it ("Pick the channel from Slack’s autocomplete"). */
export const PLATFORM_NAME = 'Slack';
