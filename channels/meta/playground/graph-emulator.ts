import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { PLAYGROUND_NUMBER, PLAYGROUND_TEMPLATES, renderTemplate } from './business.js';
import { Conversations, newWamid } from './store.js';
import type { PlaygroundState } from './state.js';

export interface GraphEmulator {
  /** The base URL to give Ponte as META_GRAPH_URL. */
  url: string;
  close(): Promise<void>;
}

const V = String.raw`/v\d+\.\d+`;
const SEND = new RegExp(`^${V}/([^/]+)/messages$`);
const UPLOAD = new RegExp(`^${V}/([^/]+)/media$`);
const TEMPLATES = new RegExp(`^${V}/([^/]+)/message_templates$`);
const BLOCK = new RegExp(`^${V}/([^/]+)/block_users$`);
const OBJECT = new RegExp(`^${V}/([^/]+)$`);
const DOWNLOAD = /^\/download\/(\d+)$/;
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const BODY_LIMIT = 110 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Graph API as the WhatsApp Cloud API answers it, for the playground's one number: sends
 * (text, media, template, reaction, read receipts), media upload and download, templates,
 * blocking. It listens on 127.0.0.1 only, on a port of its own (Ponte's workers reach it with
 * plain HTTP, whether or not Ponte's own server listens), and checks the bearer token as Graph
 * does. Errors use Graph's envelope, so Ponte's error handling meets what it meets in reality.
 */
export async function startGraphEmulator(state: PlaygroundState, token: string): Promise<GraphEmulator> {
  let base = '';
  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => route(req, res, raw),
      () => graphError(res, 413, 'Request too large', 100),
    ).catch(() => graphError(res, 500, 'An unexpected error has occurred.', 2));
  });

  async function route(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (req.headers.authorization !== `Bearer ${token}`) {
      return graphError(res, 401, 'Invalid OAuth access token.', 190, 'OAuthException');
    }
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = DOWNLOAD.exec(path))) return download(res, m[1]!);
    if (method === 'POST' && (m = SEND.exec(path))) return ours(res, m[1]!) ? send(res, parseJson(raw)) : undefined;
    if (method === 'POST' && (m = UPLOAD.exec(path))) return ours(res, m[1]!) ? upload(res, await parseForm(req, raw)) : undefined;
    if (method === 'GET' && (m = TEMPLATES.exec(path))) return templates(res, m[1]!);
    if ((method === 'POST' || method === 'DELETE') && (m = BLOCK.exec(path))) return ours(res, m[1]!) ? block(res, method, parseJson(raw)) : undefined;
    if (method === 'GET' && (m = OBJECT.exec(path))) return mediaInfo(res, decodeURIComponent(m[1]!));
    return graphError(res, 404, `Unknown path components: ${path}`, 2500, 'OAuthException');
  }

  /** Only the playground's number exists; any other id is Graph's unknown object. */
  function ours(res: ServerResponse, phoneNumberId: string): boolean {
    if (phoneNumberId === PLAYGROUND_NUMBER.phoneNumberId) return true;
    unknownObject(res, phoneNumberId, 'post');
    return false;
  }

  function send(res: ServerResponse, body: unknown): void {
    if (!isObject(body) || body.messaging_product !== 'whatsapp') return invalid(res, "The parameter messaging_product is required and must be 'whatsapp'.");
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string' || !state.markedRead(body.message_id)) return invalid(res, 'Invalid message_id.');
      return json(res, 200, { success: true });
    }
    const to = typeof body.to === 'string' && /^\d{6,15}$/.test(body.to) ? body.to : undefined;
    if (!to) return invalid(res, 'The parameter to is required.');
    const type = typeof body.type === 'string' ? body.type : 'text';
    const payload = body[type];
    if (!isObject(payload)) return invalid(res, `The parameter ${type} is required.`);
    const key = Conversations.key('whatsapp', to);
    const id = newWamid();

    if (type === 'reaction') {
      const target = typeof payload.message_id === 'string' ? state.chats.find(payload.message_id) : undefined;
      if (!target) return invalid(res, "The parameter reaction['message_id'] is invalid.");
      const emoji = typeof payload.emoji === 'string' && payload.emoji !== '' ? payload.emoji : undefined;
      target.item.reactions.business = emoji;
      return accepted(res, to, id);
    }
    if (type === 'text') {
      if (typeof payload.body !== 'string' || payload.body === '') return invalid(res, "The parameter text['body'] is required.");
      state.businessSent(key, to, { id, kind: 'text', text: payload.body });
      return accepted(res, to, id);
    }
    if (MEDIA_TYPES.has(type)) {
      const mediaId = typeof payload.id === 'string' ? payload.id : undefined;
      const link = typeof payload.link === 'string' ? payload.link : undefined;
      const stored = mediaId ? state.media.get(mediaId) : undefined;
      if (mediaId && !stored) return invalid(res, `Invalid media id ${mediaId}.`);
      if (!mediaId && !link) return invalid(res, `Either ${type}['id'] or ${type}['link'] is required.`);
      const filename = typeof payload.filename === 'string' ? payload.filename : stored?.filename;
      state.businessSent(key, to, {
        id, kind: type,
        text: typeof payload.caption === 'string' ? payload.caption : undefined,
        media: { id: mediaId, link, mimeType: stored?.mimeType, filename },
      });
      return accepted(res, to, id);
    }
    if (type === 'template') {
      const language = isObject(payload.language) && typeof payload.language.code === 'string' ? payload.language.code : '';
      const name = typeof payload.name === 'string' ? payload.name : '';
      const text = renderTemplate(name, language, templateParams(payload.components));
      // Graph accepts any name; an unknown template fails later, as a `failed` status (132001).
      if (text === undefined) return invalid(res, `Template name does not exist in the translation: ${name} (${language}).`);
      state.businessSent(key, to, { id, kind: 'template', template: name, text });
      return accepted(res, to, id);
    }
    // Interactive, location, contacts: shown as what they are.
    state.businessSent(key, to, { id, kind: type, text: `[${type}]` });
    return accepted(res, to, id);
  }

  function accepted(res: ServerResponse, to: string, id: string): void {
    json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
  }

  function upload(res: ServerResponse, form: Map<string, string | File> | undefined): Promise<void> | void {
    const file = form?.get('file');
    if (!form || typeof file === 'string' || !file) return invalid(res, 'The parameter file is required.');
    if (form.get('messaging_product') !== 'whatsapp') return invalid(res, "The parameter messaging_product is required and must be 'whatsapp'.");
    const type = form.get('type');
    if (typeof type !== 'string' || !type) return invalid(res, 'The parameter type is required.');
    return file.arrayBuffer().then((bytes) => {
      const id = state.media.add({ bytes: Buffer.from(bytes), mimeType: type, filename: file.name || undefined });
      json(res, 200, { id });
    });
  }

  function mediaInfo(res: ServerResponse, id: string): void {
    const file = state.media.get(id);
    if (!file) return unknownObject(res, id, 'get');
    json(res, 200, {
      messaging_product: 'whatsapp',
      url: `${base}/download/${id}?ext=${Date.now()}&hash=${randomBytes(6).toString('base64url')}`,
      mime_type: file.mimeType,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      file_size: file.bytes.length,
      id,
    });
  }

  function download(res: ServerResponse, id: string): void {
    const file = state.media.get(id);
    if (!file) return json(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  }

  function templates(res: ServerResponse, wabaId: string): void {
    if (wabaId !== PLAYGROUND_NUMBER.wabaId) return unknownObject(res, wabaId, 'get');
    const data = PLAYGROUND_TEMPLATES.map((t, i) => ({ ...t, id: String(7_100_000_000_000 + i) }));
    json(res, 200, { data, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } });
  }

  function block(res: ServerResponse, method: string, body: unknown): void {
    const users = isObject(body) && Array.isArray(body.block_users) ? body.block_users.map((u: unknown) => (isObject(u) ? String(u.user) : '')) : [];
    if (!users.length) return invalid(res, 'The parameter block_users is required.');
    const key = method === 'POST' ? 'added_users' : 'removed_users';
    json(res, 200, { messaging_product: 'whatsapp', block_users: { [key]: users.map((u) => ({ input: u, wa_id: u })) } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function templateParams(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  const bodyPart = components.find((c: unknown) => isObject(c) && String(c.type).toLowerCase() === 'body') as Json | undefined;
  const params = Array.isArray(bodyPart?.parameters) ? bodyPart.parameters : [];
  return params.map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? p.text : ''));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function graphError(res: ServerResponse, status: number, message: string, code: number, type = 'OAuthException', extra: Json = {}): void {
  json(res, status, { error: { message, type, code, ...extra, fbtrace_id: randomBytes(9).toString('base64url') } });
}

function invalid(res: ServerResponse, details: string): void {
  graphError(res, 400, '(#100) Invalid parameter', 100, 'OAuthException', { error_data: { messaging_product: 'whatsapp', details } });
}

function unknownObject(res: ServerResponse, id: string, verb: string): void {
  graphError(res, 400, `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 'GraphMethodException', { error_subcode: 33 });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        reject(new Error('too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

async function parseForm(req: IncomingMessage, raw: Buffer): Promise<Map<string, string | File> | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return undefined;
  try {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    return new Map([...form.entries()]);
  } catch {
    return undefined;
  }
}
