import { invalid, isObject, ok, type Answer, type Json } from './graph-answers.js';
import { newMessageId, type StoredMedia } from './store.js';
import type { PlaygroundState } from './state.js';

/** Send API attachment types → the page's kinds. */
const KIND: Record<string, string> = { image: 'image', video: 'video', audio: 'audio', file: 'document' };

/** The Send API's fields, from a JSON body or a multipart form (`recipient` and `message` as JSON text, `filedata`). */
export interface SendFields {
  recipient: unknown;
  message?: unknown;
  sender_action?: unknown;
  payload?: unknown;
  filedata?: File;
}

/**
 * `POST /{page_id}/messages` (Messenger) and `POST /me/messages` (Instagram) as the Send API
 * answers them: a text, an attachment (Messenger uploads it with the send; Instagram gives a URL
 * that Meta fetches, and so does the emulator), the sender actions `mark_seen`, `react` and
 * `unreact`. Answers `{recipient_id, message_id}`.
 */
export async function answerMessengerSend(state: PlaygroundState, kind: 'messenger' | 'instagram', f: SendFields): Promise<Answer> {
  const recipient = isObject(f.recipient) && typeof f.recipient.id === 'string' ? f.recipient.id : undefined;
  if (!recipient) return invalid('The parameter recipient is required.');
  if (typeof f.sender_action === 'string') return senderAction(state, kind, recipient, f.sender_action, f.payload);
  if (!isObject(f.message)) return invalid('The parameter message is required.');
  const id = newMessageId(kind);
  const base = { id, channel: kind, user: recipient };
  const message = f.message;
  if (typeof message.text === 'string' && message.text !== '') {
    state.businessSent({ ...base, kind: 'text', text: message.text });
    return ok({ recipient_id: recipient, message_id: id });
  }
  const attachment = isObject(message.attachment) ? message.attachment : undefined;
  const type = typeof attachment?.type === 'string' ? attachment.type : '';
  if (!attachment || !KIND[type]) return invalid('The parameter message must have text or an attachment of type image, video, audio or file.');
  const payload: Json = isObject(attachment.payload) ? attachment.payload : {};
  let file: StoredMedia | undefined = f.filedata ? { bytes: Buffer.from(await f.filedata.arrayBuffer()), mimeType: f.filedata.type || 'application/octet-stream', filename: f.filedata.name || undefined } : undefined;
  const url = typeof payload.url === 'string' ? payload.url : undefined;
  if (!file && url) file = await fetchAttachment(url);
  if (!file && !url) return invalid('The attachment needs a file (filedata) or payload.url.');
  const mediaId = file ? state.media.add(file) : undefined;
  state.businessSent({ ...base, kind: KIND[type]!, media: { id: mediaId, link: mediaId ? undefined : url, mimeType: file?.mimeType, filename: file?.filename } });
  return ok({ recipient_id: recipient, message_id: id });
}

function senderAction(state: PlaygroundState, kind: 'messenger' | 'instagram', recipient: string, action: string, payload: unknown): Answer {
  if (action === 'mark_seen') {
    state.chatSeen(kind, recipient);
    return ok({ recipient_id: recipient });
  }
  if (action === 'typing_on' || action === 'typing_off') return ok({ recipient_id: recipient });
  if (action === 'react' || action === 'unreact') {
    const p = isObject(payload) ? payload : {};
    const target = typeof p.message_id === 'string' ? state.chats.find(p.message_id) : undefined;
    if (!target || target.channel !== kind) return invalid('The parameter payload.message_id is invalid.');
    target.reactions.business = action === 'react' && typeof p.reaction === 'string' ? p.reaction : undefined;
    return ok({ recipient_id: recipient });
  }
  return invalid(`Unsupported sender_action: ${action}`);
}

/** Meta fetches an attachment given by URL once, when it is sent; the emulator does the same (a failure keeps the link). */
async function fetchAttachment(url: string): Promise<StoredMedia | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
    return { bytes: Buffer.from(await res.arrayBuffer()), mimeType: res.headers.get('content-type') ?? 'application/octet-stream', filename: name ? decodeURIComponent(name) : undefined };
  } catch {
    return undefined;
  }
}
