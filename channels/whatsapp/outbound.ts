import type { CustomerChannel, CustomerSend, FileBytes } from '../../src/core/ports.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { GraphClient } from '../meta/graph-client.js';
import { whatsappCapabilities } from './capabilities.js';
import { classifyWhatsAppError } from './errors.js';

interface SendAnswer {
  messages?: { id: string }[];
}

/** WhatsApp Cloud API sends: `POST /{version}/{phone_number_id}/messages` with the bearer token. */
export class WhatsAppChannel implements CustomerChannel {
  readonly kind = 'whatsapp' as const;
  readonly capabilities = whatsappCapabilities;

  constructor(
    private readonly graph: GraphClient,
    private readonly defaultToken: string | undefined,
  ) {}

  async send(req: CustomerSend): Promise<{ externalId: string }> {
    const token = req.token ?? this.defaultToken;
    if (!token) throw new DeliveryError('auth', 'no WhatsApp access token: set WHATSAPP_ACCESS_TOKEN or give the connection a token');
    let answer: SendAnswer;
    try {
      answer = await this.graph.post<SendAnswer>(`${encodeURIComponent(req.accountId)}/messages`, token, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: req.to,
        type: 'text',
        text: { body: req.text, preview_url: false },
      });
    } catch (err) {
      throw classifyWhatsAppError(err);
    }
    const id = answer.messages?.[0]?.id;
    // A 200 without an id: it was accepted, but we cannot track it. Never resend it.
    if (!id) throw new DeliveryError('unknown', 'WhatsApp accepted the message without an id', { uncertain: true });
    return { externalId: id };
  }

  // Interim (replaced by the media work on this branch's successor): files are not relayed yet.
  sendMedia(): Promise<{ externalId: string }> {
    return Promise.reject(new DeliveryError('unknown', 'sending files to WhatsApp is not available yet'));
  }

  fetchMedia(): Promise<FileBytes> {
    return Promise.reject(new DeliveryError('unknown', 'fetching WhatsApp media is not available yet'));
  }

  /**
   * Block Users API: `POST|DELETE /{phone_number_id}/block_users`. It answers 200 with
   * per-user results, so a refusal for our one user is read from `failed_users`.
   */
  async setBlocked(req: { accountId: string; token: string | undefined; externalId: string; blocked: boolean }): Promise<void> {
    const token = req.token ?? this.defaultToken;
    if (!token) throw new DeliveryError('auth', 'no WhatsApp access token: set WHATSAPP_ACCESS_TOKEN or give the connection a token');
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
}

interface BlockAnswer {
  block_users?: { failed_users?: { errors?: { message?: string; code?: number; error_data?: { details?: string } }[] }[] };
}
