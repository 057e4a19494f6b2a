import { renderTemplate } from './business.js';
import { invalid, isObject, ok, type Answer, type Json } from './graph-answers.js';
import { newMessageId } from './store.js';
import type { PlaygroundState } from './state.js';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const bad = (details: string) => invalid(details, 'whatsapp');

/**
 * `POST /{phone_number_id}/messages` as the Cloud API answers it: a text, a file by media id
 * or link, a template (shown as its filled-in text), a reaction to a customer's message, or a
 * read receipt (`status: read`). Each accepted message goes into the customer's chat.
 */
export function answerWhatsAppSend(state: PlaygroundState, body: unknown): Answer {
  if (!isObject(body) || body.messaging_product !== 'whatsapp') return bad("The parameter messaging_product is required and must be 'whatsapp'.");
  if (body.status === 'read') {
    if (typeof body.message_id !== 'string' || !state.markedRead(body.message_id)) return bad('Invalid message_id.');
    return ok({ success: true });
  }
  const to = typeof body.to === 'string' && /^\d{6,15}$/.test(body.to) ? body.to : undefined;
  if (!to) return bad('The parameter to is required.');
  const type = typeof body.type === 'string' ? body.type : 'text';
  const payload = body[type];
  if (!isObject(payload)) return bad(`The parameter ${type} is required.`);
  const id = newMessageId('whatsapp');
  const accepted = ok({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
  const base = { id, channel: 'whatsapp' as const, user: to };

  if (type === 'reaction') {
    const target = typeof payload.message_id === 'string' ? state.chats.find(payload.message_id) : undefined;
    if (!target || target.channel !== 'whatsapp') return bad("The parameter reaction['message_id'] is invalid.");
    target.reactions.business = typeof payload.emoji === 'string' && payload.emoji !== '' ? payload.emoji : undefined;
    return accepted;
  }
  if (type === 'text') {
    if (typeof payload.body !== 'string' || payload.body === '') return bad("The parameter text['body'] is required.");
    state.businessSent({ ...base, kind: 'text', text: payload.body });
    return accepted;
  }
  if (MEDIA_TYPES.has(type)) {
    const mediaId = typeof payload.id === 'string' ? payload.id : undefined;
    const link = typeof payload.link === 'string' ? payload.link : undefined;
    const stored = mediaId ? state.media.get(mediaId) : undefined;
    if (mediaId && !stored) return bad(`Invalid media id ${mediaId}.`);
    if (!mediaId && !link) return bad(`Either ${type}['id'] or ${type}['link'] is required.`);
    state.businessSent({
      ...base, kind: type,
      text: typeof payload.caption === 'string' ? payload.caption : undefined,
      media: { id: mediaId, link, mimeType: stored?.mimeType, filename: typeof payload.filename === 'string' ? payload.filename : stored?.filename },
    });
    return accepted;
  }
  if (type === 'template') {
    const language = isObject(payload.language) && typeof payload.language.code === 'string' ? payload.language.code : '';
    const name = typeof payload.name === 'string' ? payload.name : '';
    const text = renderTemplate(name, language, templateParams(payload.components));
    if (text === undefined) return bad(`Template name does not exist in the translation: ${name} (${language}).`);
    state.businessSent({ ...base, kind: 'template', template: name, text });
    return accepted;
  }
  // Interactive, location, contacts: shown as what they are.
  state.businessSent({ ...base, kind: type, text: `[${type}]` });
  return accepted;
}

function templateParams(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  const bodyPart = components.find((c: unknown) => isObject(c) && String(c.type).toLowerCase() === 'body') as Json | undefined;
  const params = Array.isArray(bodyPart?.parameters) ? bodyPart.parameters : [];
  return params.map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? p.text : ''));
}
