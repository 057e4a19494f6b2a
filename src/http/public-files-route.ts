import type { FastifyInstance } from 'fastify';
import type { Sql } from '../db/connect.js';
import { loadPublicFile } from '../media/public-files.js';

/**
 * `GET /media/:token`: an agent's file for a platform that fetches attachments by URL
 * (Instagram). Unknown and expired tokens are a plain 404, whichever they are.
 */
export function publicFilesRoute(app: FastifyInstance, sql: Sql): void {
  app.get<{ Params: { token: string } }>('/media/:token', async (req, reply) => {
    const file = await loadPublicFile(sql, req.params.token);
    if (!file) return reply.code(404).type('text/plain').send('Not found');
    const name = encodeURIComponent(file.filename);
    return reply
      .header('content-type', file.mimeType)
      .header('content-disposition', `inline; filename*=UTF-8''${name}`)
      .header('cache-control', 'private, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(file.bytes);
  });
}
