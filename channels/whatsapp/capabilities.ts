import type { ChannelCapabilities } from '../../src/core/ports.js';

const MB = 1024 * 1024;

/**
 * WhatsApp Cloud API: 24-hour customer-service window; text bodies up to 4096 characters;
 * *bold*; the Block Users API accepts only users who wrote in the last 24 hours.
 */
export const whatsappCapabilities: ChannelCapabilities = {
  windowHours: 24,
  maxTextLength: 4096,
  boldStyle: 'asterisk',
  blockWindowHours: 24,
  humanAgentWindowHours: null,
  templates: true,
  textUnit: 'chars',
  // Cloud API media limits: image 5 MB, video and audio 16 MB, document 100 MB, sticker 500 KB.
  maxMediaBytes: { image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB, sticker: 500 * 1024 },
  // Image, video and document captions: up to 1024 characters.
  captionMaxLength: 1024,
  // Interactive list messages: up to 10 rows, row titles up to 24 characters.
  choices: { maxOptions: 10, maxTitleLength: 24 },
};
