import type { DeliveryStatus } from '../messages/repository.js';

/**
 * How a relayed message's delivery state shows in the thread: a reaction on the agent's own
 * message, added as the state moves forward (✔️ sent, ✅ delivered, 👀 read, ❌ failed —
 * a failure also gets a notice with the reason). Names are Slack's standard emoji.
 */
export const DELIVERY_MARK: Partial<Record<DeliveryStatus, string>> = {
  sent: 'heavy_check_mark',
  delivered: 'white_check_mark',
  read: 'eyes',
  failed: 'x',
};
