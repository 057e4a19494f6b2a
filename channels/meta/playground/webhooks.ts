import { createHmac } from 'node:crypto';
import { ACCOUNT_OF, PLAYGROUND_NUMBER } from './business.js';

/** Posts one signed body to `/webhooks/meta` (the real route) and answers its status code. */
export type WebhookPost = (raw: string, signature: string) => Promise<number>;

/** A Messenger/Instagram event's own part: `message`, `reaction`, `delivery` or `read`. */
export type MessagingPart = Record<string, unknown>;

/**
 * Builds webhooks the way Meta sends them — WhatsApp's `whatsapp_business_account` with one
 * `messages` change, Messenger's `page` and Instagram's `instagram` with one `messaging` event —
 * and posts them, signed with the app secret, one at a time so that they arrive in the order
 * they happened.
 */
export class WebhookSender {
  private chain: Promise<unknown> = Promise.resolve();
  private post: WebhookPost | undefined;

  constructor(private readonly appSecret: string) {}

  /** Where webhooks go; until then, sending one fails (the page says so). */
  attach(post: WebhookPost): void {
    this.post = post;
  }

  /** A WhatsApp customer's message; resolves with the route's status code. */
  whatsappMessage(contact: { waId: string; name: string }, message: Record<string, unknown>): Promise<number> {
    return this.whatsapp({
      contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
      messages: [{ from: contact.waId, timestamp: nowSeconds(), ...message }],
    });
  }

  /** A delivery status of one of the business's WhatsApp messages. */
  whatsappStatus(id: string, recipient: string, status: 'sent' | 'delivered' | 'read'): Promise<number> {
    return this.whatsapp({ statuses: [{ id, status, timestamp: nowSeconds(), recipient_id: recipient }] });
  }

  /** A Messenger or Instagram event from the customer (`sender`) to the account (`recipient`). */
  messaging(kind: 'messenger' | 'instagram', customer: string, part: MessagingPart): Promise<number> {
    const account = ACCOUNT_OF[kind];
    const time = Date.now();
    return this.send({
      object: kind === 'messenger' ? 'page' : 'instagram',
      entry: [{ id: account, time, messaging: [{ sender: { id: customer }, recipient: { id: account }, timestamp: time, ...part }] }],
    });
  }

  private whatsapp(value: Record<string, unknown>): Promise<number> {
    return this.send({
      object: 'whatsapp_business_account',
      entry: [{
        id: PLAYGROUND_NUMBER.wabaId,
        changes: [{
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: PLAYGROUND_NUMBER.displayPhoneNumber, phone_number_id: PLAYGROUND_NUMBER.phoneNumberId }, ...value },
          field: 'messages',
        }],
      }],
    });
  }

  private send(body: unknown): Promise<number> {
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
