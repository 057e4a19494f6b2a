import type { ChannelCapabilities } from '../../src/core/ports.js';

/**
 * WhatsApp Cloud API: 24-hour customer-service window; text bodies up to 4096 characters;
 * *bold*; the Block Users API accepts only users who wrote in the last 24 hours.
 */
export const whatsappCapabilities: ChannelCapabilities = {
  windowHours: 24,
  maxTextLength: 4096,
  boldStyle: 'asterisk',
  blockWindowHours: 24,
};
