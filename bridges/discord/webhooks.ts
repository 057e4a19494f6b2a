import { Routes, type REST } from 'discord.js';
import { discordCode } from './errors.js';

/** The webhook's own name; a customer's post overrides it with their name. */
const WEBHOOK_NAME = 'Ponte';

interface Hook { id: string; token: string }

/**
 * The webhook Ponte keeps per forum (or text channel) to post customers' messages under their
 * names. Found among the channel's webhooks (one this application made), else created; when
 * Discord says it is gone (10015, someone deleted it), it is created again and the post retried once.
 */
export class ChannelWebhooks {
  private readonly known = new Map<string, Promise<Hook>>();
  /** Webhook id → its channel: whose bucket an answer's rate-limit headers describe (rate-learning.ts). */
  private readonly channels = new Map<string, string>();

  constructor(
    private readonly rest: REST,
    private readonly applicationId: () => string | undefined,
  ) {}

  async run<T>(channelId: string, fn: (hook: Hook) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.hook(channelId));
    } catch (err) {
      if (discordCode(err) !== 10015) throw err;
      this.known.delete(channelId);
      return fn(await this.hook(channelId, true));
    }
  }

  /** The channel of one of Ponte's webhooks, once used. */
  channelOf(webhookId: string): string | undefined {
    return this.channels.get(webhookId);
  }

  private hook(channelId: string, fresh = false): Promise<Hook> {
    let got = this.known.get(channelId);
    if (!got) {
      got = fresh ? this.create(channelId) : this.find(channelId);
      got.then((hook) => this.channels.set(hook.id, channelId), () => {});
      this.known.set(channelId, got);
      got.catch(() => this.known.delete(channelId));
    }
    return got;
  }

  private async find(channelId: string): Promise<Hook> {
    const app = this.applicationId();
    const list = (await this.rest.get(Routes.channelWebhooks(channelId))) as { id: string; token?: string; name?: string; application_id?: string | null }[];
    const ours = list.find((w) => w.token && w.name === WEBHOOK_NAME && (!app || w.application_id === app));
    return ours ? { id: ours.id, token: ours.token! } : this.create(channelId);
  }

  private async create(channelId: string): Promise<Hook> {
    const w = (await this.rest.post(Routes.channelWebhooks(channelId), { body: { name: WEBHOOK_NAME } })) as { id: string; token: string };
    return { id: w.id, token: w.token };
  }
}

/**
 * A webhook's `username`: 1–80 characters, and Discord refuses names containing "discord" or
 * "clyde" (and the names "everyone"/"here"), which a customer's name may be.
 */
export function webhookUsername(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/(disc)(ord)/gi, '$1\u200b$2').replace(/(cly)(de)/gi, '$1\u200b$2').trim().slice(0, 80);
  return !cleaned || /^(everyone|here)$/i.test(cleaned) ? `${cleaned || 'Customer'} ·` : cleaned;
}
