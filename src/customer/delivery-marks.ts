import type { DeliveryStatus } from '../messages/repository.js';

/**
 * How a relayed message's delivery state shows in the thread: a reaction on the agent's own
 * message, added as the state moves forward (✔️ sent, ✅ delivered, 👀 read, ❌ failed —
 * a failure also gets a notice with the reason). Unicode emoji: each bridge maps them to its
 * platform's reactions (Slack: bridges/slack/emoji.ts).
 */
export const DELIVERY_MARK: Partial<Record<DeliveryStatus, string>> = {
  sent: '✔️',
  delivered: '✅',
  read: '👀',
  failed: '❌',
};
