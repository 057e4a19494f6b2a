import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { PLAYGROUND_INSTAGRAM_ID, PLAYGROUND_NUMBER, PLAYGROUND_PAGE_ID, PLAYGROUND_TEMPLATES } from './business.js';
import { graphError, invalid, isObject, ok, unknownObject, type Answer } from './graph-answers.js';
import { answerMessengerSend, type SendFields } from './messenger-sends.js';
import { answerWhatsAppSend } from './whatsapp-sends.js';
import type { PlaygroundState } from './state.js';

export interface GraphEmulator {
  /** The base URL to give Ponte as META_GRAPH_URL. */
  url: string;
  /** Where a customer's Messenger/Instagram file is served, as Meta's CDN serves it (no token). */
  cdnUrl(mediaId: string, filename: string): string;
  close(): Promise<void>;
}

const V = String.raw`/v\d+\.\d+`;
const SEND = new RegExp(`^${V}/([^/]+)/messages$`);
const UPLOAD = new RegExp(`^${V}/([^/]+)/media$`);
const TEMPLATES = new RegExp(`^${V}/([^/]+)/message_templates$`);
const BLOCK = new RegExp(`^${V}/([^/]+)/block_users$`);
const OBJECT = new RegExp(`^${V}/([^/]+)$`);
const DOWNLOAD = /^\/download\/(\d+)$/;
const CDN = /^\/cdn\/(\d+)\/[^/]+$/;
const BODY_LIMIT = 110 * 1024 * 1024;

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  raw: Buffer;
}

/**
 * The Graph API for the playground's accounts, as Meta answers it: WhatsApp Cloud API sends
 * (text, media, template, reaction, read receipts), media upload and download, templates and
 * blocking; Messenger/Instagram Send API sends, sender actions and the User Profile API. It
 * listens on 127.0.0.1 only, on a port of its own (Ponte's workers reach it with plain HTTP
 * whether or not Ponte's own server listens), and checks the bearer token as Graph does.
 * Errors use Graph's envelope, so Ponte's error handling meets what it meets in reality.
 */
export async function startGraphEmulator(state: PlaygroundState, token: string): Promise<GraphEmulator> {
  let base = '';
  const server = createServer((req, res) => {
    readBody(req)
      .then(
        (raw) => route({ method: req.method ?? 'GET', ...splitUrl(req.url), contentType: req.headers['content-type'] ?? '', raw }, req.headers.authorization),
        () => graphError(413, 'Request too large', 100),
      )
      .catch(() => graphError(500, 'An unexpected error has occurred.', 2))
      .then((answer) => write(res, answer));
  });

  async function route(r: Request, auth: string | undefined): Promise<Answer> {
    let m: RegExpExecArray | null;
    // Meta's CDN URLs are signed themselves: no token (Messenger/Instagram attachments).
    if (r.method === 'GET' && (m = CDN.exec(r.path))) return file(m[1]!);
    if (auth !== `Bearer ${token}`) return graphError(401, 'Invalid OAuth access token.', 190);
    if (r.method === 'GET' && (m = DOWNLOAD.exec(r.path))) return file(m[1]!);
    if (r.method === 'POST' && (m = SEND.exec(r.path))) return send(m[1]!, r);
    if (r.method === 'POST' && (m = UPLOAD.exec(r.path))) return m[1] === PLAYGROUND_NUMBER.phoneNumberId ? upload(await parseForm(r)) : unknownObject(m[1]!, 'post');
    if (r.method === 'GET' && (m = TEMPLATES.exec(r.path))) return templates(m[1]!);
    if ((r.method === 'POST' || r.method === 'DELETE') && (m = BLOCK.exec(r.path))) return block(m[1]!, r.method, parseJson(r.raw));
    if (r.method === 'GET' && (m = OBJECT.exec(r.path))) return object(decodeURIComponent(m[1]!), r.query);
    return graphError(404, `Unknown path components: ${r.path}`, 2500);
  }

  /** WhatsApp's number, the Page (Messenger) or `me` (Instagram, as Ponte sends with the Page's token). */
  async function send(account: string, r: Request): Promise<Answer> {
    if (account === PLAYGROUND_NUMBER.phoneNumberId) return answerWhatsAppSend(state, parseJson(r.raw));
    const kind = account === PLAYGROUND_PAGE_ID ? 'messenger' : account === 'me' || account === PLAYGROUND_INSTAGRAM_ID ? 'instagram' : undefined;
    if (!kind) return unknownObject(account, 'post');
    return answerMessengerSend(state, kind, await sendFields(r));
  }

  function upload(form: Map<string, string | File> | undefined): Promise<Answer> | Answer {
    const f = form?.get('file');
    if (!form || typeof f === 'string' || !f) return invalid('The parameter file is required.', 'whatsapp');
    if (form.get('messaging_product') !== 'whatsapp') return invalid("The parameter messaging_product is required and must be 'whatsapp'.", 'whatsapp');
    const type = form.get('type');
    if (typeof type !== 'string' || !type) return invalid('The parameter type is required.', 'whatsapp');
    return f.arrayBuffer().then((bytes) => ok({ id: state.media.add({ bytes: Buffer.from(bytes), mimeType: type, filename: f.name || undefined }) }));
  }

  /** `GET /{id}`: a WhatsApp media id (its download URL), or a Messenger/Instagram customer (User Profile API). */
  function object(id: string, query: URLSearchParams): Answer {
    const media = state.media.get(id);
    if (media) {
      return ok({
        messaging_product: 'whatsapp',
        url: `${base}/download/${id}?ext=${Date.now()}&hash=${randomBytes(6).toString('base64url')}`,
        mime_type: media.mimeType,
        sha256: createHash('sha256').update(media.bytes).digest('hex'),
        file_size: media.bytes.length,
        id,
      });
    }
    const fields = query.get('fields') ?? '';
    const name = state.chats.nameOf(fields.includes('username') ? 'instagram' : 'messenger', id);
    if (!name) return unknownObject(id, 'get');
    if (fields.includes('username')) return ok({ name, username: name.toLowerCase().replace(/[^a-z0-9._]+/g, '.'), id });
    const [first, ...rest] = name.split(/\s+/);
    return ok({ first_name: first, last_name: rest.join(' '), id });
  }

  function file(id: string): Answer {
    const f = state.media.get(id);
    if (!f) return { status: 404, body: { error: 'not found' } };
    return { status: 200, body: f.bytes, headers: { 'content-type': f.mimeType } };
  }

  function templates(wabaId: string): Answer {
    if (wabaId !== PLAYGROUND_NUMBER.wabaId) return unknownObject(wabaId, 'get');
    const data = PLAYGROUND_TEMPLATES.map((t, i) => ({ ...t, id: String(7_100_000_000_000 + i) }));
    return ok({ data, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } });
  }

  function block(phone: string, method: string, body: unknown): Answer {
    if (phone !== PLAYGROUND_NUMBER.phoneNumberId) return unknownObject(phone, method.toLowerCase());
    const users = isObject(body) && Array.isArray(body.block_users) ? body.block_users.map((u: unknown) => (isObject(u) ? String(u.user) : '')) : [];
    if (!users.length) return invalid('The parameter block_users is required.', 'whatsapp');
    const key = method === 'POST' ? 'added_users' : 'removed_users';
    return ok({ messaging_product: 'whatsapp', block_users: { [key]: users.map((u) => ({ input: u, wa_id: u })) } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    cdnUrl: (mediaId, filename) => `${base}/cdn/${mediaId}/${encodeURIComponent(filename)}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function splitUrl(url: string | undefined): { path: string; query: URLSearchParams } {
  const u = new URL(url ?? '/', 'http://emulator');
  return { path: u.pathname, query: u.searchParams };
}

function write(res: ServerResponse, answer: Answer): void {
  const bytes = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(JSON.stringify(answer.body));
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
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

async function parseForm(r: Request): Promise<Map<string, string | File> | undefined> {
  if (!r.contentType.startsWith('multipart/form-data')) return undefined;
  try {
    const form = await new Response(new Uint8Array(r.raw), { headers: { 'content-type': r.contentType } }).formData();
    return new Map([...form.entries()]);
  } catch {
    return undefined;
  }
}

/** The Send API's fields from JSON, or from a multipart form whose `recipient`/`message` are JSON text. */
async function sendFields(r: Request): Promise<SendFields> {
  const form = await parseForm(r);
  if (!form) return (isObject(parseJson(r.raw)) ? parseJson(r.raw) : {}) as SendFields;
  const text = (k: string) => (typeof form.get(k) === 'string' ? parseJson(Buffer.from(form.get(k) as string)) : undefined);
  const filedata = form.get('filedata');
  return { recipient: text('recipient'), message: text('message'), filedata: typeof filedata === 'string' ? undefined : filedata };
}
