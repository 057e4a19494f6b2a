import { WebClient } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/logger';
import type { AgentBridge, AgentProfile, FileBytes, HomeView, ThreadPost, ThreadRef, TicketCard } from '../../src/core/ports.js';
import { homeView } from './home-blocks.js';
import { ticketCardBlocks } from './blocks.js';
import { classifySlackError } from './errors.js';
import { messageId, parseMessageId } from './ids.js';
import { escapeForSlack } from './mrkdwn.js';
import { slackCapabilities } from './capabilities.js';

export interface SlackBridgeOptions {
  token: string;
  apiUrl: string;
  timeoutMs?: number;
  logger?: SlackLogger;
}

/**
 * The agent side on Slack, over the Web API. The client does not retry or wait on rate
 * limits by itself (retries: 0, rejectRateLimitedCalls): the outbox owns retries, so it can
 * keep order and reschedule instead of holding a worker asleep.
 */
export class SlackBridge implements AgentBridge {
  readonly platform = 'slack' as const;
  readonly client: WebClient;

  constructor(opts: SlackBridgeOptions) {
    this.client = new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs ?? 15_000,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }

  async openThread(req: { destination: string; card: TicketCard }): Promise<ThreadRef> {
    const { text, blocks } = ticketCardBlocks(req.card);
    const res = await this.call(() => this.client.chat.postMessage({ channel: req.destination, text, blocks: blocks as never, unfurl_links: false }));
    if (!res.ts || !res.channel) throw classifySlackError(new Error('chat.postMessage answered without ts'));
    return { containerId: res.channel, threadId: res.ts };
  }

  async post(req: ThreadPost): Promise<{ externalId: string }> {
    const customer = req.style === 'customer';
    const res = await this.call(() =>
      this.client.chat.postMessage({
        channel: req.thread.containerId,
        thread_ts: req.thread.threadId,
        // Customers' words are escaped so they cannot ping @channel or forge links; Slack
        // truncates beyond its limit anyway, so cut where we choose.
        text: (customer ? escapeForSlack(req.text) || ' ' : req.text).slice(0, slackCapabilities.maxTextLength),
        // Needs chat:write.customize; the message shows under the customer's name.
        ...(customer && req.authorName ? { username: req.authorName.slice(0, 80) } : {}),
        unfurl_links: false,
      }),
    );
    if (!res.ts) throw classifySlackError(new Error('chat.postMessage answered without ts'));
    return { externalId: messageId(req.thread.containerId, res.ts) };
  }

  async updateCard(req: { thread: ThreadRef; card: TicketCard }): Promise<void> {
    const { text, blocks } = ticketCardBlocks(req.card);
    await this.call(() => this.client.chat.update({ channel: req.thread.containerId, ts: req.thread.threadId, text, blocks: blocks as never }));
  }

  async react(req: { externalId: string; name: string }): Promise<void> {
    const { channel, ts } = parseMessageId(req.externalId);
    try {
      await this.call(() => this.client.reactions.add({ channel, timestamp: ts, name: req.name }));
    } catch (err) {
      // A retry after a crash finds the reaction already there: that is success.
      if ((err as { code?: string }).code === 'already_reacted') return;
      throw err;
    }
  }

  async openView(triggerId: string, view: unknown): Promise<void> {
    await this.call(() => this.client.views.open({ trigger_id: triggerId, view: view as never }));
  }

  async publishHome(req: { userId: string; home: HomeView }): Promise<void> {
    await this.call(() => this.client.views.publish({ user_id: req.userId, view: homeView(req.home) as never }));
  }

  async notify(req: { thread: ThreadRef; userId: string; text: string }): Promise<void> {
    await this.call(() =>
      this.client.chat.postEphemeral({ channel: req.thread.containerId, thread_ts: req.thread.threadId, user: req.userId, text: req.text }),
    );
  }

  /** A link to the thread as Slack renders it: `<permalink|label>` (chat.getPermalink). */
  async threadLink(thread: ThreadRef, label: string): Promise<string> {
    const res = await this.call(() => this.client.chat.getPermalink({ channel: thread.containerId, message_ts: thread.threadId }));
    return res.permalink ? `<${res.permalink}|${label}>` : label;
  }

  async lookupUser(userId: string): Promise<AgentProfile> {
    const res = await this.call(() => this.client.users.info({ user: userId }));
    const u = res.user;
    const displayName = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || userId;
    return { displayName, platformAdmin: Boolean(u?.is_admin || u?.is_owner) };
  }

  // Interim (replaced by the files work): uploads, downloads and announcements.
  postFile(): Promise<{ externalId: string }> {
    return Promise.reject(classifySlackError(new Error('files are not available yet')));
  }

  fetchFile(): Promise<FileBytes> {
    return Promise.reject(classifySlackError(new Error('files are not available yet')));
  }

  async announce(req: { destination: string; text: string }): Promise<{ externalId: string }> {
    const res = await this.call(() => this.client.chat.postMessage({ channel: req.destination, text: req.text, unfurl_links: false }));
    if (!res.ts || !res.channel) throw classifySlackError(new Error('chat.postMessage answered without ts'));
    return { externalId: messageId(res.channel, res.ts) };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifySlackError(err);
    }
  }
}
