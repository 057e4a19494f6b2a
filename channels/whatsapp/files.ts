import type { MediaRef } from '../../src/core/events.js';
import { DeliveryError } from '../../src/core/errors.js';
import { FileTooLarge, type FileBytes } from '../../src/core/ports.js';
import { downloadCapped } from '../../src/http/download.js';
import type { GraphClient } from '../meta/graph-client.js';
import { classifyWhatsAppError, isUnknownObject } from './errors.js';
import { baseMime, extensionFor } from './media-rules.js';

/** `GET /{media_id}`: the short-lived download URL and what Graph knows of the file. */
interface MediaInfo {
  url?: string;
  mime_type?: string;
  sha256?: string;
  /** A number, or a numeric string in some answers. */
  file_size?: number | string;
  id?: string;
}

/**
 * Neither an upload nor a read sends anything to the customer, so a transport failure in one
 * is safe to retry: the `uncertain` mark GraphClient puts on it does not apply here.
 */
function retryableFailure(err: unknown): DeliveryError {
  const d = classifyWhatsAppError(err);
  return d.uncertain ? new DeliveryError(d.errorClass, d.message, { code: d.code, retryAfterSeconds: d.retryAfterSeconds, cause: d.cause }) : d;
}

/**
 * Uploads a file for sending: `POST /{phone_number_id}/media`, multipart with `file` (name and
 * type), `type` (the mime type) and `messaging_product=whatsapp`. Returns the media id.
 */
export async function uploadMedia(graph: GraphClient, token: string, phoneNumberId: string, file: FileBytes): Promise<string> {
  const type = baseMime(file.mimeType) || 'application/octet-stream';
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', type);
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type }), file.filename);
  let answer: { id?: string };
  try {
    answer = await graph.postForm<{ id?: string }>(`${encodeURIComponent(phoneNumberId)}/media`, token, form);
  } catch (err) {
    throw retryableFailure(err);
  }
  if (!answer.id) throw new DeliveryError('transient', 'WhatsApp accepted the upload without a media id');
  return answer.id;
}

/**
 * Where Graph's media URLs may point when the configuration names no hosts: Meta's file hosts
 * (`lookaside.fbsbx.com` today, its CDNs on a redirect). The Graph API's own host is added to
 * whatever list is used, so a local fake works.
 */
export const WHATSAPP_MEDIA_HOSTS: readonly string[] = ['fbsbx.com', 'fbcdn.net', 'whatsapp.net'];

/**
 * Downloads a customer's file: `GET /{media_id}` (bearer; `phone_number_id` makes Graph check the
 * file belongs to that number) for its URL and size, a refusal before any download when it is
 * over `maxBytes`, then the capped download of that URL with the same bearer token, only when it
 * is on one of `mediaHosts` or Graph's own host. A redirect is re-checked against the same list,
 * and the token never follows it to another origin (see downloadCapped).
 */
export async function fetchMediaFile(graph: GraphClient, token: string, phoneNumberId: string, media: MediaRef, maxBytes: number, mediaHosts: readonly string[] = WHATSAPP_MEDIA_HOSTS): Promise<FileBytes> {
  if (!media.id) throw new DeliveryError('unknown', 'this WhatsApp file has no media id');
  let info: MediaInfo;
  try {
    info = await graph.get<MediaInfo>(encodeURIComponent(media.id), token, { phone_number_id: phoneNumberId });
  } catch (err) {
    if (isUnknownObject(err)) {
      throw new DeliveryError('unknown', 'WhatsApp no longer has this file: media ids expire 7 days after the message', { code: '100', cause: err });
    }
    throw retryableFailure(err);
  }
  const size = Number(info.file_size);
  if (info.file_size !== undefined && Number.isFinite(size) && size > maxBytes) throw new FileTooLarge(maxBytes, size);
  if (!info.url) throw new DeliveryError('unknown', 'Graph returned no download URL for this WhatsApp file');
  const mimeType = baseMime(info.mime_type ?? media.mimeType) || undefined;
  const filename = media.filename ?? `${media.kind}.${extensionFor(mimeType)}`;
  // Graph's own host is trusted like Meta's file hosts, over plain http only when Graph itself is (a local fake).
  const api = graph.baseUrl;
  const hosts = api.protocol === 'http:' ? { allowedHosts: mediaHosts, httpHosts: [api.host] } : { allowedHosts: [...mediaHosts, api.host] };
  const file = await downloadCapped(info.url, { token, maxBytes, ...hosts, fallbackMimeType: mimeType, fallbackName: filename });
  // Graph's type for the id is the file's; the download host may answer a generic one.
  return { bytes: file.bytes, mimeType: mimeType ?? file.mimeType, filename };
}
