import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../src/metrics.js';
import { SlackNotReady, handleSlackRequest, type SlackDelivery, type SlackHandlerDeps } from './handler.js';
import { isValidSlackSignature } from './verify.js';
import { parseJson } from '../../src/http/parse-json.js';
import { cleanJson, cleanText } from '../../src/http/clean-text.js';

export interface SlackRoutesDeps extends SlackHandlerDeps {
  signingSecret: string;
  metrics: Metrics;
  now?: () => number;
}

/**
 * `POST /slack/events`: Events API (JSON), slash commands and interactivity (form bodies),
 * on one URL as Bolt does.
 *  1. raw bytes (this plugin's own parser) — 413 past the limit;
 *  2. signature and 5-minute window over those bytes — 401 and nothing stored when wrong;
 *  3. sort out which kind of delivery it is, its text cleaned; a signed body we cannot read →
 *     recorded, 200;
 *  4. hand it to the shared handler, which refuses another team's or app's requests, and
 *     answer with its ack (503 while this deployment's team is not known yet).
 */
export function slackRoutes(deps: SlackRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/slack/events', async (req, reply) => {
      const started = process.hrtime.bigint();
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = { signature: header(req.headers['x-slack-signature']), timestamp: header(req.headers['x-slack-request-timestamp']) };
      if (!isValidSlackSignature(raw, headers, deps.signingSecret, deps.now?.())) {
        deps.metrics.webhookRequests.inc({ source: 'slack', outcome: 'unauthorized' });
        return reply.code(401).send({ error: 'invalid signature' });
      }
      const text = raw.toString('utf8');
      const delivery = readDelivery(text, String(req.headers['content-type'] ?? ''));
      if (!delivery) {
        await deps.inbox.reject('slack', 'unreadable body', text);
        return reply.code(200).send();
      }
      let handled: Awaited<ReturnType<typeof handleSlackRequest>>;
      try {
        handled = await handleSlackRequest(deps, delivery);
      } catch (err) {
        if (!(err instanceof SlackNotReady)) throw err;
        // Fail closed while auth.test has not answered: nothing acted on, Slack retries events.
        deps.metrics.webhookRequests.inc({ source: 'slack', outcome: 'not_ready' });
        req.log.warn({ reqId: req.id }, err.message);
        return reply.code(503).header('retry-after', '5').send({ error: 'not ready' });
      }
      const { ack, outcome } = handled;
      if (outcome === 'accepted') deps.metrics.webhookRequests.inc({ source: 'slack', outcome });
      deps.metrics.ackSeconds.observe({ source: 'slack' }, Number(process.hrtime.bigint() - started) / 1e9);
      return ack ? reply.code(200).send(ack) : reply.code(200).send();
    });
  };
}

/** The delivery, its text cleaned (NUL removed, lone surrogates → U+FFFD) before anything reads it. */
function readDelivery(text: string, contentType: string): SlackDelivery | undefined {
  if (contentType.includes('application/json')) {
    const body = cleanJson(parseJson(text));
    return body === undefined ? undefined : { type: 'events', body, raw: text };
  }
  const form = Object.fromEntries([...new URLSearchParams(text)].map(([k, v]) => [cleanText(k), cleanText(v)]));
  if (typeof form.payload === 'string') {
    const body = cleanJson(parseJson(form.payload));
    return body === undefined ? undefined : { type: 'interaction', body, raw: text };
  }
  if (typeof form.command === 'string') return { type: 'command', body: form, raw: text };
  return undefined;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
