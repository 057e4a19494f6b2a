import { link, type Rich, type Span } from '../../src/core/rich-text.js';
import { toMrkdwn } from './render.js';
import { WebClient } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/logger';
import type { AgentFileRef } from '../../src/core/events.js';
import type { AgentBridge, AgentForm, AgentProfile, FileBytes, FormSurface, FoundPost, HomeSurface, HomeView, PostKey, PostPlace, ThreadPost, ThreadRef, TicketCard } from '../../src/core/ports.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { homeView } from './home-blocks.js';
import { ticketCardBlocks } from './blocks.js';
import { renderForm } from './render-form.js';
import { slackReactionName } from './emoji.js';
import type { RateGate } from '../../src/core/rate-gate.js';
import type { PaceLearner, PostAllowance } from '../../src/core/pacer.js';
import { DeliveryError } from '../../src/core/errors.js';
import { classifySlackError } from './errors.js';
import { POST_SPACING_MS, UPDATE_BUCKET, UPLOAD_BUCKET, isPostBucket, methodBucket, postAllowance, postBucket, updateAllowance } from './rate-buckets.js';
import { downloadFile, uploadToThread } from './files.js';
import { findFile } from './find-file.js';
import { findPost } from './find-post.js';
import { isFileExternalId, messageId, parseMessageId, postKeyMetadata } from './ids.js';
import { templatePickerTexts } from './template-texts.js';
import { threadPostMessages } from './thread-post.js';
import { slackCapabilities } from './capabilities.js';

/** Per Web API call (and per upload of a file's bytes, as filesUploadV2 did). */
const API_TIMEOUT_MS = 15_000;

export interface SlackBridgeOptions {
  token: string;
  apiUrl: string;
  timeoutMs?: number;
  logger?: SlackLogger;
  /** Language of the bridge's own controls (the "Send a template" button). */
  locale?: Locale;
  /** Shared across workers: a bucket Slack answered 429 for is not called again before its Retry-After. */
  gate?: RateGate;
  /** Told of a 429's Retry-After: the pacer holds every lane of that channel until then. */
  learner?: PaceLearner;
}

/**
 * The agent side on Slack, over the Web API. The client does not retry or wait on rate
 * limits by itself (retries: 0, rejectRateLimitedCalls): the outbox owns retries, so it can
 * keep order and reschedule instead of holding a worker asleep.
 */
export class SlackBridge implements AgentBridge, HomeSurface, FormSurface {
  readonly platform = 'slack' as const;
  readonly capabilities = slackCapabilities;
  readonly client: WebClient;
  private readonly opts: SlackBridgeOptions;

  constructor(opts: SlackBridgeOptions) {
    this.opts = opts;
    this.client = new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs ?? API_TIMEOUT_MS,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }

  async openThread(req: { destination: string; card: TicketCard; key?: PostKey }): Promise<ThreadRef> {
    const { text, blocks } = ticketCardBlocks(req.card);
    const res = await this.call(postBucket(req.destination), () =>
      this.client.chat.postMessage({ channel: req.destination, text, blocks: blocks as never, unfurl_links: false, ...keyed(req.key) }),
    );
    if (!res.ts || !res.channel) throw classifySlackError(new Error('chat.postMessage answered without ts'));
    return { containerId: res.channel, threadId: res.ts };
  }

  /** One message, or, over Slack's limit, its parts in order (keys `<key>`, `<key>.1`…); the first is the post. */
  async post(req: ThreadPost): Promise<{ externalId: string }> {
    // The picker's words only when the post offers it (every customer message passes here).
    const parts = threadPostMessages(req, req.offer ? templatePickerTexts(this.opts.locale ?? 'en').offerButton : '');
    let first: string | undefined;
    for (const [i, msg] of parts.entries()) {
      const res = await this.call(postBucket(req.thread.containerId), () =>
        this.client.chat.postMessage({
          channel: req.thread.containerId,
          thread_ts: req.thread.threadId,
          text: msg.text,
          ...(msg.blocks ? { blocks: msg.blocks as never } : {}),
          ...(msg.username ? { username: msg.username } : {}),
          unfurl_links: false,
          ...keyed(req.key && i > 0 ? `${req.key}.${i}` : req.key),
        }),
      );
      if (!res.ts) throw classifySlackError(new Error('chat.postMessage answered without ts'));
      first ??= res.ts;
    }
    return { externalId: messageId(req.thread.containerId, first!) };
  }

  async updateCard(req: { thread: ThreadRef; card: TicketCard }): Promise<void> {
    const { text, blocks } = ticketCardBlocks(req.card);
    await this.call(UPDATE_BUCKET, () => this.client.chat.update({ channel: req.thread.containerId, ts: req.thread.threadId, text, blocks: blocks as never }));
  }

  /**
   * Adds or removes a reaction. A unicode emoji (a customer's reaction) is turned into Slack's
   * name; one Slack has no name for is skipped, as is a file upload (no message ts is known for
   * it). Both directions are idempotent for the outbox's retries: `already_reacted` on add and
   * `no_reaction` on remove are success.
   */
  async react(req: { externalId: string; name: string; remove?: boolean }): Promise<void> {
    if (isFileExternalId(req.externalId)) return;
    const name = slackReactionName(req.name);
    if (!name) return;
    const { channel, ts } = parseMessageId(req.externalId);
    try {
      if (req.remove) await this.call(methodBucket('reactions.remove'), () => this.client.reactions.remove({ channel, timestamp: ts, name }));
      else await this.call(methodBucket('reactions.add'), () => this.client.reactions.add({ channel, timestamp: ts, name }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === (req.remove ? 'no_reaction' : 'already_reacted')) return;
      // node-emoji's name for a customer's emoji is not always Slack's: a cosmetic miss, not a failure.
      if (code === 'invalid_name' && name !== req.name.trim()) return;
      throw err;
    }
  }

  /** Opens a form, rendered as a modal (a Block Kit view), in answer to the interaction `triggerId` came with. */
  async openForm(triggerId: string, form: AgentForm): Promise<void> {
    await this.call(undefined, () => this.client.views.open({ trigger_id: triggerId, view: renderForm(form) as never }));
  }

  /** The App Home tab. */
  async publishHome(req: { userId: string; home: HomeView }): Promise<void> {
    await this.call(methodBucket('views.publish'), () => this.client.views.publish({ user_id: req.userId, view: homeView(req.home) as never }));
  }

  async notify(req: { thread: ThreadRef; userId: string; text: Rich | string }): Promise<void> {
    const text = toMrkdwn(req.text);
    await this.call(methodBucket('chat.postEphemeral'), () =>
      this.client.chat.postEphemeral({ channel: req.thread.containerId, thread_ts: req.thread.threadId, user: req.userId, text }),
    );
  }

  /** A link to the thread: its permalink (chat.getPermalink), rendered `<permalink|label>`. */
  async threadLink(thread: ThreadRef, label: string): Promise<Span> {
    const res = await this.call(undefined, () => this.client.chat.getPermalink({ channel: thread.containerId, message_ts: thread.threadId }));
    return res.permalink ? link(res.permalink, label) : { text: label };
  }

  /** A channel's posts share its chat.postMessage bucket, whoever they show as (rate-buckets.ts). */
  postAllowance(channel: string): PostAllowance {
    return postAllowance(channel);
  }

  /** Every card of the workspace shares chat.update's tier, whatever its channel (rate-buckets.ts). */
  cardAllowance(): PostAllowance {
    return updateAllowance();
  }

  async lookupUser(userId: string): Promise<AgentProfile> {
    const res = await this.call(undefined, () => this.client.users.info({ user: userId }));
    const u = res.user;
    const displayName = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || userId;
    return { displayName, platformAdmin: Boolean(u?.is_admin || u?.is_owner) };
  }

  async postFile(req: { thread: ThreadRef; file: FileBytes; comment?: string; authorName?: string; remember?: (fileId: string) => Promise<void> }): Promise<{ externalId: string }> {
    const auth = { token: this.opts.token, timeoutMs: this.opts.timeoutMs ?? API_TIMEOUT_MS };
    return this.call(UPLOAD_BUCKET, () => uploadToThread(this.client, auth, req));
  }

  /** Whether a file an unsure upload remembered was shared into the thread (files.info `shares`). */
  async findFile(req: { fileId: string; thread: ThreadRef }): Promise<FoundPost | undefined> {
    return this.call(methodBucket('files.info'), () => findFile(this.client, req));
  }

  async fetchFile(req: { file: AgentFileRef; maxBytes: number }): Promise<FileBytes> {
    // The API timeout is sized for calls, not for files of many MB: the download keeps its own.
    return downloadFile(this.client, { token: this.opts.token, apiUrl: this.opts.apiUrl }, req);
  }

  /** A line in a channel, outside any ticket thread (a story mention, an alert to admins). */
  async announce(req: { destination: string; text: Rich | string; key?: PostKey }): Promise<{ externalId: string }> {
    const text = toMrkdwn(req.text);
    const res = await this.call(postBucket(req.destination), () =>
      this.client.chat.postMessage({ channel: req.destination, text, unfurl_links: false, ...keyed(req.key) }),
    );
    if (!res.ts || !res.channel) throw classifySlackError(new Error('chat.postMessage answered without ts'));
    return { externalId: messageId(res.channel, res.ts) };
  }

  /** The post Ponte made with `key` (its message metadata), when an earlier attempt's outcome is unknown. */
  async findPost(req: { where: PostPlace; key: PostKey; since: Date }): Promise<FoundPost | undefined> {
    return findPost(this.client, req);
  }

  /**
   * One Web API call through its rate-limit bucket's gate. A closed bucket answers rate_limited
   * at once, without calling Slack; a 429 closes the bucket for its Retry-After for every
   * worker, and holds the pacer's line for it (a channel's posts wait their turn meanwhile); a
   * post answered holds the channel's line for Slack's second from then. Calls made for a person waiting on the answer (a modal, a command) pass no bucket.
   */
  private async call<T>(bucket: string | undefined, fn: () => Promise<T>): Promise<T> {
    const gate = bucket ? this.opts.gate : undefined;
    const waitMs = gate ? await gate.wait(bucket!) : 0;
    if (waitMs > 0) throw new DeliveryError('rate_limited', `Slack rate limit (waiting ${Math.ceil(waitMs / 1000)} s)`, { retryAfterSeconds: waitMs / 1000 });
    try {
      const answer = await fn();
      // The channel's next post counts its second from this one's answer (rate-buckets.ts).
      if (bucket && isPostBucket(bucket)) await this.opts.learner?.learn(bucket, { holdUntil: Date.now() + POST_SPACING_MS });
      return answer;
    } catch (err) {
      const e = classifySlackError(err);
      if (bucket && e.errorClass === 'rate_limited') {
        const ms = (e.retryAfterSeconds ?? 1) * 1000;
        await gate?.close(bucket, ms);
        await this.opts.learner?.learn(bucket, { holdUntil: Date.now() + ms });
      }
      throw e;
    }
  }
}

/** Ponte's key rides on the message as metadata: Slack has no idempotency key (see ids.ts). */
function keyed(key: PostKey | undefined) {
  return key ? { metadata: postKeyMetadata(key) } : {};
}
