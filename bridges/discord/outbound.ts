import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { AgentFileRef } from '../../src/core/events.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { AgentBridge, AgentForm, AgentProfile, FormSurface, FileBytes, FoundPost, PacedPost, PostKey, PostPlace, ThreadPost, ThreadRef, TicketCard } from '../../src/core/ports.js';
import { discordCapabilities } from './capabilities.js';
import { ChannelDirectory } from './channels.js';
import { discordEmoji } from './emoji.js';
import { classifyDiscordError, discordCode } from './errors.js';
import { checkUploadSize, downloadAttachment } from './files.js';
import { fileMarker, PostFinder } from './find-post.js';
import { ForumTags } from './forum-tags.js';
import { isServerAdmin, shownName, type GatewayFacts } from './gateway-facts.js';
import { messageId, parseMessageId, partNonce } from './ids.js';
import { formResponse } from './render-form.js';
import { templateOfferRows } from './render-controls.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { noMentions, pingsIn, renderText, splitText, toMarkdown } from './render.js';
import { link, plain, type Span } from '../../src/core/rich-text.js';
import { postName, TicketThreads } from './threads.js';
import { TokenRefusals } from './refusals.js';
import { ChannelWebhooks, webhookUsername } from './webhooks.js';
import { postAllowance } from './rate-buckets.js';
import type { PaceLearner, PostAllowance } from '../../src/core/pacer.js';
import { learnWebhookLimits } from './rate-learning.js';

/** Per REST call. */
const API_TIMEOUT_MS = 15_000;
/** A quoted message is shown as one line; the post above has the whole of it. */
const QUOTE_MAX = 300;

export interface DiscordBridgeOptions {
  token: string;
  apiUrl: string;
  /** DISCORD_APPLICATION_ID; learned from `GET /applications/@me` when absent. */
  applicationId?: string;
  /** DISCORD_GUILD_ID: the server whose members are looked up; the bot's first server when absent. */
  guildId?: string;
  timeoutMs?: number;
  /** Shared with the gateway side: interaction tokens (for `notify`) and members' names. */
  facts: GatewayFacts;
  /** The workspace's language, for the words on controls under a notice (PONTE_LOCALE). */
  locale?: Locale;
  /** Told what Discord's headers say about a forum's webhook bucket (rate-learning.ts). */
  learner?: PaceLearner;
}

type Message = { id: string; channel_id?: string };

/**
 * The agent side on Discord, over REST (API v10). The client does not retry or wait on rate
 * limits by itself (retries: 0, rejectOnRateLimit): the outbox owns retries, so it keeps each
 * thread's order and reschedules only that lane instead of holding a worker asleep.
 */
export class DiscordBridge implements AgentBridge, FormSurface {
  readonly platform = 'discord' as const;
  readonly capabilities = discordCapabilities;
  readonly rest: REST;
  private readonly opts: DiscordBridgeOptions;
  private readonly channels: ChannelDirectory;
  private readonly tags: ForumTags;
  private readonly threads: TicketThreads;
  private readonly webhooks: ChannelWebhooks;
  private readonly finder: PostFinder;
  private readonly refusals = new TokenRefusals();
  private applicationId: string | undefined;

  constructor(opts: DiscordBridgeOptions) {
    this.opts = opts;
    this.applicationId = opts.applicationId;
    this.rest = new REST({ api: opts.apiUrl, timeout: opts.timeoutMs ?? API_TIMEOUT_MS, retries: 0, rejectOnRateLimit: () => true }).setToken(opts.token);
    this.channels = new ChannelDirectory(this.rest);
    this.tags = new ForumTags(this.rest);
    this.threads = new TicketThreads(this.rest, this.channels, this.tags);
    this.webhooks = new ChannelWebhooks(this.rest, () => this.applicationId);
    if (opts.learner) learnWebhookLimits(this.rest, (id) => this.webhooks.channelOf(id), opts.learner);
    // A bot user's id is its application's id.
    this.finder = new PostFinder(this.rest, () => this.applicationId, opts.facts);
  }

  async openThread(req: { destination: string; card: TicketCard; key?: PostKey }): Promise<ThreadRef> {
    await this.finder.begin(req.key, { channelId: req.destination, content: '', postName: postName(req.card) });
    const opened = await this.call(() => this.threads.open(req));
    await this.finder.forget(req.key);
    return opened;
  }

  /** The post an attempt whose outcome is unknown made, if Discord has it (find-post.ts). */
  findPost(req: { where: PostPlace; key: PostKey; since: Date }): Promise<FoundPost | undefined> {
    return this.call(async () => {
      await this.learnApplication();
      return this.finder.findPost(req);
    });
  }

  /** The file an attempt whose outcome is unknown shared, if it is in the thread (find-post.ts). */
  findFile(req: { fileId: string; thread: ThreadRef }): Promise<FoundPost | undefined> {
    return this.call(async () => {
      await this.learnApplication();
      return this.finder.findFile(req);
    });
  }

  updateCard(req: { thread: ThreadRef; card: TicketCard }): Promise<void> {
    return this.call(() => this.threads.update(req.thread, req.card));
  }

  /**
   * A customer's words go through the channel's webhook under their name; a notice is a bot
   * message carrying Ponte's key as `nonce` (enforced: a retry within minutes is not a second
   * post). Over 2000 characters, the text goes in parts, in order; the first part is the post.
   */
  async post(req: ThreadPost): Promise<{ externalId: string }> {
    const quote = req.quote ? `> ${renderText(oneLine(req.quote))}\n` : '';
    const parts = splitText(`${quote}${toMarkdown(req.text)}` || '\u200b', discordCapabilities.maxTextLength);
    const ids: string[] = [];
    for (const [i, content] of parts.entries()) {
      // A notice offering the template picker carries its button under the last part.
      const offer = req.offer && i === parts.length - 1 ? { components: templateOfferRows(req.offer.ticketId, this.opts.locale ?? 'en') } : {};
      const key = i === 0 ? req.key : undefined;
      const sent = req.style === 'customer'
        ? await this.asCustomer(req.thread, { content, username: webhookUsername(req.authorName) }, undefined, key)
        : await this.asBot(req.thread.threadId, { content, ...offer, allowed_mentions: pingsIn(req.text) }, partNonce(req.key, i), undefined, key);
      ids.push(sent.id);
    }
    await this.finder.forget(req.key);
    await this.threads.afterPost(req.thread.threadId);
    return { externalId: messageId(req.thread.threadId, ids[0]!) };
  }

  /** Adds or removes the bot's reaction; both are idempotent on Discord (a repeat is a no-op). */
  async react(req: { externalId: string; name: string; remove?: boolean }): Promise<void> {
    const emoji = discordEmoji(req.name);
    if (!emoji) return;
    const { channelId, messageId: id } = parseMessageId(req.externalId);
    const route = Routes.channelMessageOwnReaction(channelId, id, encodeURIComponent(emoji));
    const once = () => (req.remove ? this.rest.delete(route) : this.rest.put(route));
    await this.call(async () => {
      try {
        await once();
      } catch (err) {
        // A mark on a resolved ticket's archived post (a delivery mark that came late): reopen, mark, archive again.
        if (discordCode(err) !== 50083) throw err;
        await this.rest.patch(Routes.channel(channelId), { body: { archived: false } });
        await once();
        await this.rest.patch(Routes.channel(channelId), { body: { archived: true } });
      }
    });
  }

  /** A file into the post (multipart), under the customer's name when given, with the comment as its text. */
  async postFile(req: { thread: ThreadRef; file: FileBytes; comment?: string; authorName?: string; remember?: (fileId: string) => Promise<void> }): Promise<{ externalId: string }> {
    checkUploadSize(req.file);
    // Discord has no file id before the upload: the attempt remembers when it began and the name (findFile).
    await req.remember?.(fileMarker(req.file.filename));
    const files = [{ name: req.file.filename, data: req.file.bytes, contentType: req.file.mimeType }];
    const body = { ...(req.comment ? { content: renderText(req.comment).slice(0, 2000) } : {}), attachments: [{ id: '0', filename: req.file.filename }] };
    const sent = req.authorName
      ? await this.asCustomer(req.thread, { ...body, username: webhookUsername(req.authorName) }, files)
      : await this.asBot(req.thread.threadId, body, undefined, files);
    await this.threads.afterPost(req.thread.threadId);
    return { externalId: messageId(req.thread.threadId, sent.id) };
  }

  fetchFile(req: { file: AgentFileRef; maxBytes: number }): Promise<FileBytes> {
    return downloadAttachment(req, { apiUrl: this.opts.apiUrl, timeoutMs: this.opts.timeoutMs });
  }

  /** A line outside any ticket: a message in a text channel; in a forum (which takes no loose messages), a post of its own. */
  async announce(req: { destination: string; text: string; key?: PostKey }): Promise<{ externalId: string }> {
    const content = splitText(toMarkdown(req.text))[0]!;
    if (await this.call(() => this.channels.isForum(req.destination))) {
      const name = plain(req.text).split('\n')[0]!.replace(/\s+/g, ' ').trim().slice(0, 100) || 'Ponte';
      await this.finder.begin(req.key, { channelId: req.destination, content, postName: name });
      const post = (await this.call(() => this.rest.post(Routes.threads(req.destination), { body: { name, message: { content, allowed_mentions: noMentions } } }))) as Message;
      await this.finder.forget(req.key);
      return { externalId: messageId(post.id, post.id) };
    }
    const sent = await this.asBot(req.destination, { content }, partNonce(req.key, 0), undefined, req.key);
    await this.finder.forget(req.key);
    return { externalId: messageId(req.destination, sent.id) };
  }

  /** A link to the post (`https://discord.com/channels/<guild>/<post>`), as a span the renderer turns into `[label](<url>)`. */
  async threadLink(thread: ThreadRef, label: string): Promise<Span> {
    const guild = await this.call(() => this.channels.guildOf(thread.containerId));
    return guild ? link(`https://discord.com/channels/${guild}/${thread.threadId}`, label) : { text: label };
  }

  /**
   * A line only `userId` sees. Discord has no such message outside an interaction: it goes as an
   * ephemeral follow-up to that person's latest button press in this post, while its token lives
   * (15 minutes; the core asks only in answer to an interaction). Past that there is no private
   * way to reach them, and posting it in the post for all to see would not be private: it fails,
   * unretried, and is logged.
   */
  async notify(req: { thread: ThreadRef; userId: string; text: string }): Promise<void> {
    const open = await this.opts.facts.openInteraction(req.thread.threadId, req.userId);
    if (!open) throw new DeliveryError('unknown', 'Discord: no open interaction to answer privately (its 15 minutes are over); the private line was not shown');
    for (const content of splitText(toMarkdown(req.text))) {
      await this.call(() => this.rest.post(Routes.webhook(open.applicationId, open.token), { body: { content, flags: 64, allowed_mentions: noMentions }, auth: false }));
    }
  }

  /**
   * Opens a form as the first answer to an interaction: `trigger` is its `<id>:<token>`. The
   * gateway side opens the forms of card controls itself (within the 3 s, control-interactions.ts).
   */
  async openForm(trigger: string, form: AgentForm): Promise<void> {
    const [id, token] = trigger.split(/:(.*)/s);
    if (!id || !token) throw new DeliveryError('unknown', 'Discord: a form trigger is `<interaction id>:<token>`');
    await this.call(() => this.rest.post(Routes.interactionCallback(id, token), { body: formResponse(form), auth: false }));
  }

  /**
   * A customer's lines and files go through the forum's webhook and share its bucket
   * (rate-buckets.ts). Ponte's own lines and the cards that open threads are the bot's messages:
   * they count against each thread's own channel, or the forum's thread creation, not the
   * webhook; Ponte does not pace them (@discordjs/rest follows those buckets from Discord's headers).
   */
  postAllowance(forumId: string, what: PacedPost): PostAllowance | undefined {
    return what === 'customer' ? postAllowance(forumId) : undefined;
  }

  /** The name as the server shows it (nickname, else display name, else username), from the gateway when it just saw the member. */
  async lookupUser(userId: string): Promise<AgentProfile> {
    const seen = await this.opts.facts.profile(userId);
    if (seen) return seen;
    const guild = await this.guild();
    const m = (await this.call(() => this.rest.get(Routes.guildMember(guild, userId)))) as {
      nick?: string | null; permissions?: string; user?: { username?: string; global_name?: string | null };
    };
    return {
      displayName: shownName({ nick: m.nick, globalName: m.user?.global_name, username: m.user?.username }, userId),
      platformAdmin: isServerAdmin(m.permissions),
    };
  }

  private async guild(): Promise<string> {
    if (this.opts.guildId) return this.opts.guildId;
    const guilds = (await this.call(() => this.rest.get(Routes.userGuilds()))) as { id: string }[];
    if (!guilds[0]) throw new DeliveryError('auth', 'the Discord bot is in no server: invite it (OAuth2 URL with the bot scope)');
    return guilds[0].id;
  }

  private asCustomer(thread: ThreadRef, body: Record<string, unknown>, files?: { name: string; data: Buffer; contentType: string }[], key?: PostKey): Promise<Message> {
    return this.call(async () => {
      await this.learnApplication();
      return this.webhooks.run(thread.containerId, async (hook) => {
        await this.finder.begin(key, { channelId: thread.threadId, webhookId: hook.id, content: String(body.content ?? '') });
        return this.rest.post(Routes.webhook(hook.id, hook.token), {
          body: { ...body, allowed_mentions: noMentions },
          query: new URLSearchParams({ wait: 'true', thread_id: thread.threadId }),
          auth: false,
          ...(files ? { files } : {}),
        }) as Promise<Message>;
      });
    });
  }

  private async asBot(channelId: string, body: Record<string, unknown>, nonce?: string, files?: { name: string; data: Buffer; contentType: string }[], key?: PostKey): Promise<Message> {
    await this.finder.begin(key, { channelId, content: String(body.content ?? '') });
    return this.call(
      () =>
        this.rest.post(Routes.channelMessages(channelId), {
          body: { ...body, allowed_mentions: body.allowed_mentions ?? noMentions, ...(nonce ? { nonce, enforce_nonce: true } : {}) },
          ...(files ? { files } : {}),
        }) as Promise<Message>,
    );
  }

  /** Ponte's webhooks are the ones its application made; the id is DISCORD_APPLICATION_ID or asked once. */
  private async learnApplication(): Promise<void> {
    if (this.applicationId) return;
    const app = (await this.rest.get(Routes.currentApplication())) as { id: string };
    this.applicationId = app.id;
  }

  /** One REST step (or several), its failure classified for the outbox. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    this.refusals.check();
    try {
      return await fn();
    } catch (err) {
      const e = classifyDiscordError(err);
      this.refusals.note(e, err instanceof DiscordAPIError ? err.status : undefined, discordCode(err));
      // A forum tag was removed by hand: read the forum's tags again next time.
      if (discordCode(err) === 50035) this.tags.forgetAll();
      throw e;
    }
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX - 1)}…` : line;
}
