import { createHmac } from 'node:crypto';
import { PLAYGROUND_NUMBER } from './business.js';

/** Posts one signed body to `/webhooks/meta` (the real route) and answers its status code. */
export type WebhookPost = (raw: string, signature: string) => Promise<number>;

/**
 * Builds WhatsApp webhooks the way Meta sends them (one entry, one `messages` change) and posts
 * them, signed with the app secret, one at a time so that statuses arrive in the order they
 * happened.
 */
export class WebhookSender {
  private chain: Promise<unknown> = Promise.resolve();
  private post: WebhookPost | undefined;

  constructor(private readonly appSecret: string) {}

  /** Where webhooks go; until then, sending one fails (the page says so). */
  attach(post: WebhookPost): void {
    this.post = post;
  }

  /** A customer's message; resolves with the route's status code. */
  message(contact: { waId: string; name: string }, message: Record<string, unknown>): Promise<number> {
    return this.send({
      contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
      messages: [{ from: contact.waId, timestamp: nowSeconds(), ...message }],
    });
  }

  /** A delivery status of one of the business's messages. */
  status(id: string, recipient: string, status: 'sent' | 'delivered' | 'read'): Promise<number> {
    return this.send({ statuses: [{ id, status, timestamp: nowSeconds(), recipient_id: recipient }] });
  }

  private send(value: Record<string, unknown>): Promise<number> {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{
        id: PLAYGROUND_NUMBER.wabaId,
        changes: [{
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: PLAYGROUND_NUMBER.displayPhoneNumber, phone_number_id: PLAYGROUND_NUMBER.phoneNumberId }, ...value },
          field: 'messages',
        }],
      }],
    };
    const raw = JSON.stringify(body);
    const signature = `sha256=${createHmac('sha256', this.appSecret).update(raw).digest('hex')}`;
    const next = this.chain.then(() => {
      if (!this.post) throw new Error('the playground is not attached to the web server yet');
      return this.post(raw, signature);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
