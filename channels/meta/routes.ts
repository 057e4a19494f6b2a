import type { FastifyPluginAsync } from 'fastify';
import type { IgnoredRecord, InboundRecord, InboxPort } from '../../src/core/inbound-record.js';
import type { Metrics } from '../../src/metrics.js';
import { answerHandshake } from './handshake.js';
import { isValidMetaSignature } from './verify.js';
import { parseJson } from '../../src/http/parse-json.js';
import { cleanJson } from '../../src/http/clean-text.js';

/** What a channel's parser makes of one delivery of its `object`. */
export type MetaObjectParser = (
  body: unknown,
) => { records: InboundRecord[]; ignored: IgnoredRecord[]; problems: string[] } | { error: string };

export interface MetaRoutesDeps {
  appSecret: string;
  verifyToken: string | undefined;
  inbox: InboxPort;
  metrics: Metrics;
  /** By webhook `object`: whatsapp_business_account, page, instagram. */
  parsers: Readonly<Record<string, MetaObjectParser>>;
}

/**
 * `GET/POST /webhooks/meta`. The POST pipeline:
 *  1. take the body as raw bytes (this plugin's own parser) — 413 past the limit;
 *  2. verify X-Hub-Signature-256 over those bytes — 401 and nothing stored when wrong;
 *  3. parse and validate; a signed body we cannot read is recorded as rejected and answered
 *     200, so Meta does not retry it for days;
 *  4. record every event in the inbox (one INSERT, deduped; a record the database still
 *     refuses is recorded as rejected, the others kept) and answer 200. Nothing here waits on
 *     Slack or the Graph API.
 * Text is cleaned right after step 2 (NUL removed, lone surrogates → U+FFFD): a well-signed
 * body never gets a 5xx for its content.
 */
export function metaRoutes(deps: MetaRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.get('/webhooks/meta', async (req, reply) => {
      const challenge = answerHandshake(req.query as Record<string, unknown>, deps.verifyToken);
      if (challenge === null) return reply.code(403).type('text/plain').send('Forbidden');
      return reply.code(200).type('text/plain').send(challenge);
    });

    app.post('/webhooks/meta', async (req, reply) => {
      const started = process.hrtime.bigint();
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers['x-hub-signature-256'];
      if (!isValidMetaSignature(raw, typeof header === 'string' ? header : undefined, deps.appSecret)) {
        deps.metrics.webhookRequests.inc({ source: 'meta', outcome: 'unauthorized' });
        return reply.code(401).send({ error: 'invalid signature' });
      }
      // Cleaned once, after the signature: NUL and lone surrogates would make Postgres refuse the lot.
      const text = raw.toString('utf8');
      const body = cleanJson(parseJson(text));
      const object = (body as { object?: unknown } | undefined)?.object;
      const parser = typeof object === 'string' ? deps.parsers[object] : undefined;
      if (!parser) {
        await deps.inbox.reject('meta', body === undefined ? 'body is not JSON' : `unknown object: ${String(object)}`, text);
        return reply.code(200).send({ ok: true });
      }
      const parsed = parser(body);
      if ('error' in parsed) {
        await deps.inbox.reject('meta', parsed.error, text);
        return reply.code(200).send({ ok: true });
      }
      // One line for the whole delivery, naming each part not read; every other part goes on.
      if (parsed.problems.length) await deps.inbox.reject('meta', parsed.problems.join('; '), text, { partial: true });
      await deps.inbox.accept('meta', parsed.records, parsed.ignored);
      deps.metrics.webhookRequests.inc({ source: 'meta', outcome: 'accepted' });
      deps.metrics.ackSeconds.observe({ source: 'meta' }, Number(process.hrtime.bigint() - started) / 1e9);
      return reply.code(200).send({ ok: true });
    });
  };
}
