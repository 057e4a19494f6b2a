// The ceiling: the least a webhook endpoint on this stack can do. A bare fastify server with one
// POST route that takes the raw body and does one INSERT into a scratch table (autocommit, so one
// commit per request, like Ponte's inbox), on the same Postgres with the same pool (20).
// No signature check, no JSON parse, no Redis: whatever Ponte adds on top shows up as the gap.
import Fastify from 'fastify';
import { connectDatabase } from '../src/db/connect.js';

export interface Ceiling {
  url: string;
  path: string;
  stop(): Promise<void>;
}

export async function startCeiling(databaseUrl: string): Promise<Ceiling> {
  const sql = connectDatabase(databaseUrl, { max: 20 });
  await sql`CREATE TABLE IF NOT EXISTS bench_ceiling (
    id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)`;
  await sql`TRUNCATE bench_ceiling`;
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/ingest', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    await sql`INSERT INTO bench_ceiling (body) VALUES (${raw.toString('utf8')})`;
    return reply.code(200).send({ ok: true });
  });
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url,
      path: '/ingest',
      stop: async () => {
        await app.close();
        await sql.end({ timeout: 5 });
      },
    };
  } catch (err) {
    await sql.end({ timeout: 5 });
    throw err;
  }
}
