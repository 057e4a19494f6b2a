import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../../src/logger.js';
import type { Sql } from '../../../src/db/connect.js';
import { PLAYGROUND_NUMBER, type PlaygroundChannel } from './business.js';
import { prepareFirstStart, type FirstStartDeps } from './first-start.js';
import { startGraphEmulator } from './graph-emulator.js';
import { playgroundRoutes, type PlaygroundInfo } from './routes.js';
import { PlaygroundState } from './state.js';
import { WebhookSender } from './webhooks.js';

export interface Playground {
  /** The Meta variables Ponte runs with in playground mode: the emulator's URL and made-up secrets. */
  variables: {
    META_APP_SECRET: string; META_VERIFY_TOKEN: string; META_GRAPH_URL: string;
    WHATSAPP_ACCESS_TOKEN: string; MESSENGER_PAGE_TOKEN: string; INSTAGRAM_ACCESS_TOKEN: string;
    PONTE_MEDIA_HOSTS: string[];
  };
  /** `GET /playground` and its API. */
  routes: FastifyPluginAsync;
  /** Once the HTTP app exists: webhooks go through its real `/webhooks/meta`, and the first start is prepared. */
  attach(app: FastifyInstance, deps: Omit<FirstStartDeps, 'log'>): Promise<void>;
  stop(): Promise<void>;
}

const secret = () => randomBytes(24).toString('base64url');

/**
 * Starts the customer playground's Graph API emulator (DESIGN §1: try Ponte with no Meta
 * account). The app secret and verify token are the environment's when given, otherwise made
 * up for this run; the access tokens are always the emulator's own, and customers' Messenger
 * and Instagram files may be fetched from it (loopback).
 */
export async function startPlayground(opts: { appSecret?: string; verifyToken?: string; mediaHosts: string[]; log: Logger }): Promise<Playground> {
  const appSecret = opts.appSecret ?? secret();
  const token = `EAAplayground${secret()}`;
  const webhooks = new WebhookSender(appSecret);
  const state = new PlaygroundState(webhooks, opts.log);
  const emulator = await startGraphEmulator(state, token);
  let sql: Sql | undefined;
  let info: PlaygroundInfo = { business: { number: PLAYGROUND_NUMBER.displayPhoneNumber }, agents: { slack: false, hint: 'Ponte is still starting.' } };
  return {
    variables: {
      META_APP_SECRET: appSecret, META_VERIFY_TOKEN: opts.verifyToken ?? secret(), META_GRAPH_URL: emulator.url,
      WHATSAPP_ACCESS_TOKEN: token, MESSENGER_PAGE_TOKEN: token, INSTAGRAM_ACCESS_TOKEN: token,
      PONTE_MEDIA_HOSTS: [...opts.mediaHosts, '127.0.0.1'],
    },
    routes: playgroundRoutes({ state, cdnUrl: emulator.cdnUrl, info: () => info, passTime: (channel, user) => (sql ? passTime(sql, channel, user) : Promise.resolve(false)) }),
    async attach(app, deps) {
      sql = deps.sql;
      webhooks.attach(async (raw, signature) => {
        const res = await app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } });
        return res.statusCode;
      });
      info = { ...info, agents: await prepareFirstStart({ ...deps, log: opts.log }) };
    },
    async stop() {
      state.close();
      await emulator.close();
    },
  };
}

/**
 * The customer's last message, moved back past the channel's window (WhatsApp 24 hours;
 * Messenger/Instagram past the 7-day human-agent tag too): what Ponte reads to decide that only a
 * template may go. Only the playground does this, to show that path without waiting a day.
 */
async function passTime(sql: Sql, channel: PlaygroundChannel, user: string): Promise<boolean> {
  const hours = channel === 'whatsapp' ? 25 : 8 * 24;
  const rows = await sql`
    UPDATE contacts SET last_inbound_at = now() - make_interval(hours => ${hours}), updated_at = now()
    WHERE channel = ${channel} AND external_id = ${user} AND last_inbound_at IS NOT NULL RETURNING id`;
  return rows.length > 0;
}
