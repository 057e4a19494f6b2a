/** Slack facts the bridge respects (platform-notes.md). */
export const slackCapabilities = {
  /** chat.postMessage truncates text beyond this. */
  maxTextLength: 40_000,
  /** Slack retries an event it did not get a 2xx for within this long. */
  ackDeadlineMs: 3_000,
} as const;
