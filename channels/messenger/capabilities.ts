import type { ChannelCapabilities } from '../../src/core/ports.js';

const MB = 1024 * 1024;

/**
 * Messenger Platform: free text within 24 hours of the customer's last message; a human
 * agent's reply tagged HUMAN_AGENT for 7 days; text up to 2000 characters; no markup renders.
 * Attachments uploaded with the Send API: up to 25 MB ("Saving assets"). Stickers go out as
 * images. Pages cannot block people through the API.
 */
export const messengerCapabilities: ChannelCapabilities = {
  windowHours: 24,
  humanAgentWindowHours: 168,
  maxTextLength: 2000,
  textUnit: 'chars',
  boldStyle: 'none',
  blockWindowHours: null,
  templates: false,
  maxMediaBytes: { image: 25 * MB, video: 25 * MB, audio: 25 * MB, document: 25 * MB, sticker: 25 * MB },
};

/**
 * Instagram messaging (the Messenger Platform with an Instagram professional account): the
 * same windows; text up to 1000 bytes of UTF-8; attachments per "Upload Media for Instagram
 * Messaging": image 8 MB, video and audio 25 MB, file (PDF) 25 MB.
 */
export const instagramCapabilities: ChannelCapabilities = {
  windowHours: 24,
  humanAgentWindowHours: 168,
  maxTextLength: 1000,
  textUnit: 'bytes',
  boldStyle: 'none',
  blockWindowHours: null,
  templates: false,
  maxMediaBytes: { image: 8 * MB, video: 25 * MB, audio: 25 * MB, document: 25 * MB, sticker: 8 * MB },
  // Attachments are sent by URL ("Send a Message"): Ponte serves agents' files for Meta to fetch.
  mediaByUrl: true,
};
