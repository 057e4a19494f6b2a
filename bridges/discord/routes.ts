import type { FastifyPluginAsync } from 'fastify';
import type { RawInteraction } from './payloads.js';
import { discordPublicKey, isValidDiscordSignature } from './verify.js';

/** An interaction handler that answers through `respond` (inbound.ts `onInteraction`). */
export type InteractionHandler = (d: RawInteraction, respond: (body: Record<string, unknown>) => Promise<void>) => Promise<void>;

/**
 * `POST /discord/interactions`, when DISCORD_PUBLIC_KEY is set and the Developer Portal's
 * Interactions Endpoint URL points here (Discord then stops sending INTERACTION_CREATE over the
 * gateway). Raw bytes are verified (401, nothing read, when the signature is wrong); PING is
 * answered PONG; any other interaction goes to the gateway's handler, whose answer is sent
 * inline as the HTTP response, within Discord's 3 seconds.
 */
export function discordInteractionRoutes(deps: { publicKey: string; handle: InteractionHandler }): FastifyPluginAsync {
  const key = discordPublicKey(deps.publicKey);
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/discord/interactions', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      if (!isValidDiscordSignature(raw, { signature: header('x-signature-ed25519'), timestamp: header('x-signature-timestamp') }, key)) {
        return reply.code(401).send({ error: 'invalid request signature' });
      }
      let d: RawInteraction;
      try {
        d = JSON.parse(raw.toString('utf8')) as RawInteraction;
      } catch {
        return reply.code(400).send({ error: 'unreadable body' });
      }
      if (d.type === 1) return reply.code(200).send({ type: 1 });
      // The first answer is the HTTP response; what the handler does after it (editing a
      // deferred answer, follow-ups) goes on in the background, through the token.
      const answer = await new Promise<Record<string, unknown> | undefined>((resolve) => {
        deps.handle(d, async (body) => resolve(body)).then(
          () => resolve(undefined),
          (err: unknown) => {
            req.log.error({ err }, 'discord: an interaction was not answered');
            resolve(undefined);
          },
        );
      });
      // An interaction no part of Ponte answers (another kind of command): Discord shows it failed.
      return answer ? reply.code(200).send(answer) : reply.code(202).send();
    });
  };
}
