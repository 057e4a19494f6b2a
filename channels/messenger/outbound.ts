import type { MediaKind, MediaRef } from '../../src/core/events.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { AccountAuth, ChannelCapabilities, CustomerChannel, CustomerSend, FileBytes } from '../../src/core/ports.js';
import { downloadCapped } from '../../src/http/download.js';
import type { GraphClient } from '../meta/graph-client.js';
import { instagramCapabilities, messengerCapabilities } from './capabilities.js';
import { classifyMessengerError } from './errors.js';
import type { MetaChannelKind } from './ids.js';

export interface MessengerChannelOptions {
  /**
   * Hosts (and their subdomains) a customer's attachment may be downloaded from: the URLs come
   * from the webhook, so nothing else is fetched (config PONTE_MEDIA_HOSTS).
   */
  allowedHosts: readonly string[];
}

interface SendAnswer {
  recipient_id?: string;
  message_id?: string;
}

/** Attachment types of the Send API, by the core's media kinds (stickers go out as images). */
const ATTACHMENT_TYPE: Record<MediaKind, string> = { image: 'image', video: 'video', audio: 'audio', document: 'file', sticker: 'image' };

const LABEL: Record<MetaChannelKind, { name: string; tokenVar: string }> = {
  messenger: { name: 'Messenger', tokenVar: 'MESSENGER_PAGE_TOKEN' },
  instagram: { name: 'Instagram', tokenVar: 'INSTAGRAM_ACCESS_TOKEN' },
};

/**
 * Messenger and Instagram sends through the Send API: `POST /{version}/{accountId}/messages`
 * with the Page (or Instagram) token. Every call is one attempt; failures are classified
 * `DeliveryError`s (the outbox retries, in order).
 */
export class MessengerChannel implements CustomerChannel {
  readonly capabilities: ChannelCapabilities;

  constructor(
    readonly kind: MetaChannelKind,
    private readonly graph: GraphClient,
    private readonly defaultToken: string | undefined,
    private readonly opts: MessengerChannelOptions,
  ) {
    this.capabilities = kind === 'messenger' ? messengerCapabilities : instagramCapabilities;
  }

  /**
   * Free text within the 24-hour window (`RESPONSE`); after it, a human agent's reply is tagged
   * `HUMAN_AGENT` (7 days; Meta allows the tag only for people, never for automated messages).
   */
  async send(req: CustomerSend): Promise<{ externalId: string }> {
    const answer = await this.call<SendAnswer>(req, (path, token) =>
      this.graph.post(path, token, { recipient: { id: req.to }, ...messagingType(req.humanAgent), message: { text: req.text } }),
    );
    return { externalId: sentId(answer) };
  }

  /**
   * Messenger: the file is uploaded with the send, as multipart (`recipient`, `message` with
   * `attachment.type` and `payload.is_reusable`, and the `filedata` part). Instagram takes
   * attachments only by URL: the core serves the file (PUBLIC_URL/media/<token>) and passes
   * `url`; without one the send is refused, not retried.
   * Attachments carry no caption on these platforms, and `caption` is not sent: sending it as a
   * second message would make one outbox row two sends, and a retry could repeat the first.
   */
  async sendMedia(req: AccountAuth & { to: string; file: FileBytes; kind: MediaKind; caption?: string; humanAgent?: boolean; url?: string }): Promise<{ externalId: string }> {
    if (this.kind === 'instagram') {
      // Instagram takes attachments from a URL it fetches: the core serves the file there.
      if (!req.url) throw new DeliveryError('unknown', 'Instagram accepts attachments only from a public URL (set PUBLIC_URL to where Meta can reach Ponte)');
      const url = req.url;
      const answer = await this.call<SendAnswer>(req, (path, token) =>
        this.graph.post(path, token, { recipient: { id: req.to }, ...messagingType(req.humanAgent), message: { attachment: { type: ATTACHMENT_TYPE[req.kind], payload: { url } } } }),
      );
      return { externalId: sentId(answer) };
    }
    const answer = await this.call<SendAnswer>(req, (path, token) => {
      const form = new FormData();
      form.append('recipient', JSON.stringify({ id: req.to }));
      for (const [k, v] of Object.entries(messagingType(req.humanAgent))) form.append(k, v);
      form.append('message', JSON.stringify({ attachment: { type: ATTACHMENT_TYPE[req.kind], payload: { is_reusable: false } } }));
      form.append('filedata', new Blob([req.file.bytes], { type: req.file.mimeType }), req.file.filename);
      return this.graph.postForm(path, token, form);
    });
    return { externalId: sentId(answer) };
  }

  /**
   * The attachment URL from the (signed) webhook, fetched only from an allowed host, without
   * any token (Meta's CDN URLs are signed themselves), streamed and capped.
   */
  async fetchMedia(req: AccountAuth & { media: MediaRef; maxBytes: number }): Promise<FileBytes> {
    if (!req.media.url) throw new DeliveryError('unknown', `${LABEL[this.kind].name} media has no URL`);
    return downloadCapped(req.media.url, {
      maxBytes: req.maxBytes,
      allowedHosts: this.opts.allowedHosts,
      fallbackMimeType: req.media.mimeType,
      fallbackName: req.media.filename,
    });
  }

  /** Sender action `react` with the emoji, or `unreact` to take ours away (Sender Actions guide). */
  async react(req: AccountAuth & { to: string; externalId: string; emoji: string | null }): Promise<void> {
    await this.call(req, (path, token) =>
      this.graph.post(path, token, {
        recipient: { id: req.to },
        sender_action: req.emoji === null ? 'unreact' : 'react',
        payload: req.emoji === null ? { message_id: req.externalId } : { message_id: req.externalId, reaction: req.emoji },
      }),
    );
  }

  /** Sender action `mark_seen`: the whole conversation is shown as seen. */
  async markRead(req: AccountAuth & { to: string; externalId: string }): Promise<void> {
    await this.call(req, (path, token) => this.graph.post(path, token, { recipient: { id: req.to }, sender_action: 'mark_seen' }));
  }

  /**
   * The customer's name: Messenger's User Profile API (`GET /{PSID}?fields=first_name,last_name`)
   * or Instagram's (`GET /{IGSID}?fields=name,username`), with the same token as sends.
   */
  async lookupContact(req: AccountAuth & { externalId: string }): Promise<{ name?: string }> {
    const fields = this.kind === 'instagram' ? 'name,username' : 'first_name,last_name';
    const profile = await this.call<ProfileAnswer>(req, (_path, token) => this.graph.get(encodeURIComponent(req.externalId), token, { fields }));
    const full = [profile.first_name, profile.last_name].filter(Boolean).join(' ') || profile.name;
    return { name: full || (profile.username ? `@${profile.username}` : undefined) };
  }

  private async call<T>(auth: AccountAuth, run: (sendPath: string, token: string) => Promise<T>): Promise<T> {
    const token = auth.token ?? this.defaultToken;
    const { name, tokenVar } = LABEL[this.kind];
    if (!token) throw new DeliveryError('auth', `no ${name} access token: set ${tokenVar} or give the connection a token`);
    try {
      // Instagram: `me` is the Page linked to the account (or the account, with Instagram
      // Login), whichever the token belongs to; the IG account id itself is not a send path
      // for a Page token. Messenger sends to the page id.
      return await run(this.kind === 'instagram' ? 'me/messages' : `${encodeURIComponent(auth.accountId)}/messages`, token);
    } catch (err) {
      throw classifyMessengerError(err, name);
    }
  }
}

function messagingType(humanAgent: boolean | undefined): Record<string, string> {
  return humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' };
}

/** A 200 without a message id was accepted but cannot be tracked: never resend it. */
function sentId(answer: SendAnswer): string {
  if (!answer.message_id) throw new DeliveryError('unknown', 'the Send API accepted the message without an id', { uncertain: true });
  return answer.message_id;
}

interface ProfileAnswer {
  first_name?: string;
  last_name?: string;
  name?: string;
  username?: string;
}
