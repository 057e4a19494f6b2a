import type { MediaKind, MediaRef } from '../../src/core/events.js';
import type { AccountAuth, CustomerChannel, CustomerSend, FileBytes, MessageTemplate } from '../../src/core/ports.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { PostAllowance } from '../../src/core/pacer.js';
import type { GraphClient } from '../meta/graph-client.js';
import { whatsappCapabilities } from './capabilities.js';
import { classifyWhatsAppError } from './errors.js';
import { isBusinessScopedId } from './ids.js';
import { fetchMediaFile, uploadMedia } from './files.js';
import { CAPTIONED, sendableKind, sizeLabel } from './media-rules.js';
import { listApprovedTemplates, templatePayload } from './templates.js';

interface SendAnswer {
  messages?: { id: string }[];
}

/**
 * WhatsApp Cloud API: every send is `POST /{version}/{phone_number_id}/messages` with the
 * bearer token. Each method is one attempt: no retries here (the outbox retries, in order), and
 * failures are classified DeliveryErrors (a transport failure after the request left is
 * `uncertain`, from GraphClient).
 */
export class WhatsAppChannel implements CustomerChannel {
  readonly kind = 'whatsapp' as const;
  readonly capabilities = whatsappCapabilities;

  constructor(
    private readonly graph: GraphClient,
    private readonly defaultToken: string | undefined,
    /** Hosts Graph's media URLs may point at (config PONTE_MEDIA_HOSTS); Meta's file hosts when absent. */
    private readonly opts: { mediaHosts?: readonly string[] } = {},
  ) {}

  /**
   * A number's sends share its throughput: 80 messages a second by default (platform-notes.md,
   * "Throughput"; over it Graph refuses with 130429 and sends nothing). Declared as 72 a second
   * with bursts of 8, so that no one-second window holds more than 80.
   */
  sendAllowance(accountId: string): PostAllowance {
    return { bucket: `whatsapp:send:${accountId}`, perSecond: 72, burst: 8 };
  }

  /** Text; with choices, an interactive list whose rows come back as `list_reply` ids. */
  async send(req: CustomerSend): Promise<{ externalId: string }> {
    if (req.choices) {
      const rows = req.choices.options.map((o) => ({ id: o.id, title: o.title }));
      const action = { button: req.choices.button.slice(0, 20), sections: [{ rows }] };
      return this.message(req, req.to, { type: 'interactive', interactive: { type: 'list', body: { text: req.text }, action } });
    }
    return this.message(req, req.to, { type: 'text', text: { body: req.text, preview_url: false } });
  }

  /**
   * Upload, then send by media id. The kind is the core's hint, downgraded to `document` when
   * WhatsApp would not take the file as that kind (see `sendableKind`); captions go only where
   * WhatsApp shows them (image, video, document).
   */
  async sendMedia(req: AccountAuth & { to: string; file: FileBytes; kind: MediaKind; caption?: string }): Promise<{ externalId: string }> {
    const token = this.token(req);
    const limits = this.capabilities.maxMediaBytes;
    const kind = sendableKind(req.kind, req.file, limits);
    if (req.file.bytes.length > limits[kind]) {
      throw new DeliveryError('unknown', `the file is ${sizeLabel(req.file.bytes.length)}; WhatsApp takes files of up to ${sizeLabel(limits[kind])} (${kind})`);
    }
    const id = await uploadMedia(this.graph, token, req.accountId, req.file);
    const media: Record<string, string> = { id };
    if (req.caption && CAPTIONED.has(kind)) media.caption = req.caption;
    if (kind === 'document') media.filename = req.file.filename;
    return this.message(req, req.to, { type: kind, [kind]: media });
  }

  async fetchMedia(req: AccountAuth & { media: MediaRef; maxBytes: number }): Promise<FileBytes> {
    return fetchMediaFile(this.graph, this.token(req), req.accountId, req.media, req.maxBytes, this.opts.mediaHosts);
  }

  sendTemplate(req: AccountAuth & { to: string; template: { name: string; language: string; params: string[] } }): Promise<{ externalId: string }> {
    return this.message(req, req.to, { type: 'template', template: templatePayload(req.template) });
  }

  async listTemplates(req: { businessAccountId: string; token: string | undefined }): Promise<MessageTemplate[]> {
    const token = this.token(req);
    try {
      return await listApprovedTemplates(this.graph, token, req.businessAccountId);
    } catch (err) {
      throw classifyWhatsAppError(err);
    }
  }

  /** An empty emoji takes our reaction away (Cloud API's documented removal). */
  async react(req: AccountAuth & { to: string; externalId: string; emoji: string | null }): Promise<void> {
    await this.message(req, req.to, { type: 'reaction', reaction: { message_id: req.externalId, emoji: req.emoji ?? '' } });
  }

  /** Blue ticks: `{messaging_product, status: 'read', message_id}` to the messages endpoint. */
  async markRead(req: AccountAuth & { to: string; externalId: string }): Promise<void> {
    await this.post(req, { messaging_product: 'whatsapp', status: 'read', message_id: req.externalId });
  }

  /**
   * Block Users API: `POST|DELETE /{phone_number_id}/block_users`. It answers 200 with
   * per-user results, so a refusal for our one user is read from `failed_users`.
   */
  async setBlocked(req: { accountId: string; token: string | undefined; externalId: string; blocked: boolean }): Promise<void> {
    const token = this.token(req);
    let answer: BlockAnswer;
    try {
      answer = await this.graph.request<BlockAnswer>(req.blocked ? 'POST' : 'DELETE', `${encodeURIComponent(req.accountId)}/block_users`, token, {
        messaging_product: 'whatsapp',
        block_users: [{ user: req.externalId }],
      });
    } catch (err) {
      throw classifyWhatsAppError(err);
    }
    const failed = answer.block_users?.failed_users?.[0];
    if (failed) {
      const e = failed.errors?.[0];
      throw new DeliveryError('unknown', `${e?.message ?? 'refused'}${e?.error_data?.details ? `: ${e.error_data.details}` : ''} (code ${e?.code ?? '?'})`);
    }
  }

  /**
   * A message to one customer; resolves with its wamid. A customer known only by their BSUID
   * (a username without a shared phone) is addressed by `recipient`; a phone by `to`.
   */
  private async message(auth: AccountAuth, to: string, content: Record<string, unknown>): Promise<{ externalId: string }> {
    const address = isBusinessScopedId(to) ? { recipient: to } : { to };
    const answer = await this.post<SendAnswer>(auth, { messaging_product: 'whatsapp', recipient_type: 'individual', ...address, ...content });
    const id = answer.messages?.[0]?.id;
    // A 200 without an id: it was accepted, but we cannot track it. Never resend it.
    if (!id) throw new DeliveryError('unknown', 'WhatsApp accepted the message without an id', { uncertain: true });
    return { externalId: id };
  }

  private async post<T>(auth: AccountAuth, body: Record<string, unknown>): Promise<T> {
    const token = this.token(auth);
    try {
      return await this.graph.post<T>(`${encodeURIComponent(auth.accountId)}/messages`, token, body);
    } catch (err) {
      throw classifyWhatsAppError(err);
    }
  }

  private token(auth: { token: string | undefined }): string {
    const token = auth.token ?? this.defaultToken;
    if (!token) throw new DeliveryError('auth', 'no WhatsApp access token: set WHATSAPP_ACCESS_TOKEN or give the connection a token');
    return token;
  }
}

interface BlockAnswer {
  block_users?: { failed_users?: { errors?: { message?: string; code?: number; error_data?: { details?: string } }[] }[] };
}
