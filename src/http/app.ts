import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Sql } from '../db/connect.js';
import { migrationsApplied } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { publicFilesRoute } from './public-files-route.js';

export interface AppDeps {
  log: Logger;
  sql: Sql;
  redis: Redis;
  metrics: Metrics;
  bodyLimit: number;
  /** Channel and bridge routes, wired by main.ts (the core never imports them). */
  plugins: FastifyPluginAsync[];
  /** Path prefixes of the adapters' routes and the metric label each gets (`/webhooks/meta` → meta); anything else is 'other'. */
  sources?: Record<string, string>;
}

/**
 * The HTTP app without a listener (fastify's testing guide): tests drive it with inject().
 * Each platform's routes are an encapsulated plugin with its own raw-body parser.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: deps.bodyLimit,
    // One log line per webhook at 200/s is noise; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  // Every 5xx is logged with the request id, and its body says nothing about the internals.
  // Errors fastify classifies as the client's (413, 415, bad JSON…) keep their status and words.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: err.message });
    req.log.error({ err, reqId: req.id, method: req.method, url: req.url.split('?')[0] }, 'request failed');
    return reply.code(status).send({ error: 'internal error', requestId: req.id });
  });

  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode === 413) deps.metrics.webhookRequests.inc({ source: routeSource(req.url, deps.sources ?? {}), outcome: 'too_large' });
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.all([
      deps.sql`SELECT 1`.then(() => true, () => false),
      migrationsApplied(deps.sql).catch(() => false),
      deps.redis.ping().then((p) => p === 'PONG', () => false),
    ]);
    const [postgres, migrations, redis] = checks;
    const ok = checks.every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, postgres, migrations, redis });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  publicFilesRoute(app as unknown as FastifyInstance, deps.sql);

  for (const plugin of deps.plugins) await app.register(plugin);
  // pino's Logger is wider than fastify's base logger type; the instance is the same.
  return app as unknown as FastifyInstance;
}

function routeSource(url: string, sources: Record<string, string>): string {
  const prefix = Object.keys(sources).find((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
  return prefix ? sources[prefix]! : 'other';
}
