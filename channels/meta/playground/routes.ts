import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PLAYGROUND_CHANNELS, type PlaygroundChannel } from './business.js';
import { customerSends, type CdnUrl } from './customer.js';
import type { FeedItem } from './store.js';
import type { PlaygroundState } from './state.js';

/** What the page shows about the setup: who answers, and what is missing. */
export interface PlaygroundInfo {
  business: { number: string };
  /** The agents' side: Slack on or off, and the channel the number is connected to. */
  agents: { slack: boolean; channel?: string; hint?: string };
}

const PAGE_FILES: Record<string, string> = {
  '/playground': 'index.html',
  '/playground/phone.js': 'phone.js',
  '/playground/phone.css': 'phone.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
// The page is plain files: its own script and style only, nothing inline, nothing from elsewhere.
const PAGE_CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const INLINE_MEDIA = /^(image\/(jpeg|png|gif|webp)|video\/(mp4|webm)|audio\/(ogg|mpeg|mp4|aac|wav|webm))$/;

const user = z.string().regex(/^\d{6,15}$/, 'the number must be 6 to 15 digits');
const channel = z.enum(PLAYGROUND_CHANNELS as ['whatsapp', 'messenger', 'instagram']).default('whatsapp');
const sendBody = z.object({
  channel,
  user,
  name: z.string().trim().min(1).max(60),
  text: z.string().max(4096).optional(),
  file: z.object({ name: z.string().trim().min(1).max(200), type: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/), data: z.string().base64() }).optional(),
  reaction: z.object({ messageId: z.string().min(1), emoji: z.string().max(16) }).optional(),
}).refine((b) => b.reaction || b.file || b.text?.trim(), 'write something, attach a file or react');
const seenBody = z.object({ channel, user, ids: z.array(z.string()).max(500) });
const whoBody = z.object({ channel, user });
const chatQuery = z.object({ channel, user });

/** A chat item as the page gets it: files by a URL of this server. */
function forPage(item: FeedItem) {
  const { media, channel: _channel, user: _user, ...rest } = item;
  if (!media) return rest;
  return { ...rest, media: { url: media.id ? `/playground/media/${media.id}` : media.link, mimeType: media.mimeType, filename: media.filename } };
}

const badRequest = (reply: FastifyReply, issues: z.ZodError) => reply.code(400).send({ error: issues.issues[0]?.message ?? 'bad request' });

/**
 * The customer's side: `GET /playground` (the phone page and its two files) and its small JSON
 * API: send as the customer, read the chat (which is also when the phone "receives" messages),
 * say what the person has seen, and fetch files.
 */
export interface RoutesDeps {
  state: PlaygroundState;
  cdnUrl: CdnUrl;
  info: () => PlaygroundInfo;
  /** Moves the customer's last message back past the reply window; false when Ponte has no such customer. */
  passTime: (channel: PlaygroundChannel, user: string) => Promise<boolean>;
}

export function playgroundRoutes({ state, cdnUrl, info, passTime }: RoutesDeps): FastifyPluginAsync {
  return async (app) => {
    const dir = new URL('./page/', import.meta.url);
    const files = new Map<string, Buffer>();
    for (const [route, file] of Object.entries(PAGE_FILES)) files.set(route, await readFile(new URL(file, dir)));

    for (const [route, file] of Object.entries(PAGE_FILES)) {
      app.get(route, async (_req, reply) =>
        reply
          .type(TYPES[file.split('.').pop()!]!)
          .header('content-security-policy', PAGE_CSP)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-cache')
          .send(files.get(route)));
    }

    app.get('/playground/api/info', async () => info());

    app.get('/playground/api/chat', async (req, reply) => {
      const q = chatQuery.safeParse(req.query);
      if (!q.success) return badRequest(reply, q.error);
      state.fetched(q.data.channel, q.data.user);
      return { items: state.chats.list(q.data.channel, q.data.user).map(forPage) };
    });

    app.post('/playground/api/messages', { bodyLimit: 40 * 1024 * 1024 }, async (req, reply) => {
      const b = sendBody.safeParse(req.body);
      if (!b.success) return badRequest(reply, b.error);
      const { file, ...rest } = b.data;
      try {
        const item = await customerSends(state, cdnUrl, { ...rest, file: file && { name: file.name, type: file.type, bytes: Buffer.from(file.data, 'base64') } });
        return { item: forPage(item) };
      } catch (err) {
        return reply.code(409).send({ error: (err as Error).message });
      }
    });

    app.post('/playground/api/seen', async (req, reply) => {
      const b = seenBody.safeParse(req.body);
      if (!b.success) return badRequest(reply, b.error);
      state.seen(b.data.channel, b.data.user, b.data.ids);
      return { ok: true };
    });

    // "24 hours later": the reply window closes, so agents see what Ponte does then (templates on WhatsApp).
    app.post('/playground/api/time-passes', async (req, reply) => {
      const b = whoBody.safeParse(req.body);
      if (!b.success) return badRequest(reply, b.error);
      if (!(await passTime(b.data.channel, b.data.user))) return reply.code(409).send({ error: 'write first: Ponte does not know this customer yet' });
      return { ok: true };
    });

    app.get<{ Params: { id: string } }>('/playground/media/:id', async (req, reply) => {
      const file = state.media.get(req.params.id);
      if (!file) return reply.code(404).type('text/plain').send('Not found');
      const inline = INLINE_MEDIA.test(file.mimeType);
      return reply
        .header('content-type', inline ? file.mimeType : 'application/octet-stream')
        .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.filename ?? 'file')}`)
        .header('content-security-policy', 'sandbox')
        .header('x-content-type-options', 'nosniff')
        .send(file.bytes);
    });
  };
}
