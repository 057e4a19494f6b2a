import type { OutboxOp } from '../pipeline/outbox.js';
import type { AgentFileRef, AgentPlatform } from '../core/events.js';
import type { AccountAuth, CustomerChannel, FileBytes } from '../core/ports.js';
import { FileTooLarge } from '../core/ports.js';
import { DeliveryError } from '../core/errors.js';
import { contextOf, loadMessageContext, type MessageContext } from '../messages/context.js';
import { t } from '../i18n/catalog.js';
import { agentLane, enqueue } from '../pipeline/outbox.js';
import { DELIVERY_MARK } from './delivery-marks.js';
import { mediaKindOf } from './media-kind.js';
import { connectionRecovered } from '../pipeline/connection-health.js';
import { publicFileUrl, storePublicFile } from '../media/public-files.js';
import { bridgeFor, NOTHING, type Effect, type OperationDeps } from '../pipeline/operation-deps.js';

type CustomerSendOp = Extract<OutboxOp, { kind: 'customer.send' | 'customer.media' | 'customer.template' }>;

/** The channel of a message's ticket and the credentials to use on it. */
export function customerSide(deps: OperationDeps, m: Pick<MessageContext, 'channel' | 'accountId' | 'tokenEncrypted'>): { channel: CustomerChannel; auth: AccountAuth } {
  const channel = deps.channels.get(m.channel);
  if (!channel) throw new Error(`the ${m.channel} channel is not configured`);
  const token = m.tokenEncrypted ? deps.secrets?.open(m.tokenEncrypted) : undefined;
  if (m.tokenEncrypted && !token) throw new Error('PONTE_SECRET_KEY is needed to read this connection’s token');
  return { channel, auth: { accountId: m.accountId, token } };
}

/**
 * One part of what an agent sent (a text part, a file, a template). The ✔️ mark goes on the
 * agent's message once its first part has left (a no-op for messages with no agent-side copy,
 * such as the automatic accept and farewell texts).
 */
export async function sendToCustomer(deps: OperationDeps, op: CustomerSendOp, known?: MessageContext): Promise<Effect> {
  const m = await contextOf(deps.sql, op.messageId, known);
  const { channel, auth } = customerSide(deps, m);
  const to = m.contactAddress;
  let sent: { externalId: string };
  if (op.kind === 'customer.send') {
    sent = await channel.send({ ...auth, to, text: op.text, humanAgent: op.humanAgent, ...(op.choices ? { choices: op.choices } : {}) });
  } else if (op.kind === 'customer.media') {
    const kind = mediaKindOf(op.file.mimeType);
    const file = await fetchAgentFile(deps, m.agentPlatform, op.file, channel.capabilities.maxMediaBytes[kind]);
    // Instagram fetches attachments from a URL: Ponte serves the file for a while.
    const url = channel.capabilities.mediaByUrl && deps.publicUrl ? publicFileUrl(deps.publicUrl, await storePublicFile(deps.sql, file)) : undefined;
    sent = await channel.sendMedia({ ...auth, to, file, kind, humanAgent: op.humanAgent, url, caption: op.caption });
  } else {
    if (!channel.sendTemplate) throw new DeliveryError('unknown', t(deps.locale, 'template.not_supported', { channel: m.channel }));
    sent = await channel.sendTemplate({ ...auth, to, template: op.template });
  }
  const first = op.part === 0 && m.agentLink;
  // Sent: what follows is bookkeeping, run by dispatch where its failure cannot cause a resend.
  const after = async () => {
    if (m.connectionAlerted) await connectionRecovered(deps.sql, m.connectionId);
    if (first) await enqueue(deps.sql, agentLane(m.ticketId), { kind: 'reaction.add', messageId: m.messageId, name: DELIVERY_MARK.sent! });
  };
  return { lanes: first ? [agentLane(m.ticketId)] : [], link: { messageId: m.messageId, platform: m.channel, externalId: sent.externalId, markSent: true, part: op.part }, after };
}

/** An agent's attachment, read from their platform within the customer channel's limit for its kind. */
async function fetchAgentFile(deps: OperationDeps, platform: AgentPlatform, file: AgentFileRef, maxBytes: number): Promise<FileBytes> {
  try {
    return await bridgeFor(deps, platform).fetchFile({ file, maxBytes });
  } catch (err) {
    if (err instanceof FileTooLarge) {
      throw new DeliveryError('unknown', t(deps.locale, 'media.too_large', { name: file.name, limit: megabytes(err.limitBytes) }));
    }
    throw err;
  }
}

/** A limit in MB as people say it: one decimal, or the first significant digit below 0.1 MB (never "0 MB"). */
export const megabytes = (bytes: number) => {
  const mb = bytes / 1024 / 1024;
  return String(mb >= 0.1 ? Math.round(mb * 10) / 10 : Number(mb.toPrecision(1)));
};

/** Our reaction on a customer's message (emoji null removes it), where the channel has reactions. */
export async function reactToCustomer(deps: OperationDeps, messageId: string, emoji: string | null): Promise<void> {
  const m = await loadMessageContext(deps.sql, messageId);
  const { channel, auth } = customerSide(deps, m);
  if (!channel.react || !m.channelLink) return;
  await channel.react({ ...auth, to: m.contactAddress, externalId: m.channelLink, emoji });
}

/** Tells the customer their message (and those before it) was read. */
export async function markCustomerRead(deps: OperationDeps, messageId: string): Promise<void> {
  const m = await loadMessageContext(deps.sql, messageId);
  const { channel, auth } = customerSide(deps, m);
  if (!channel.markRead || !m.channelLink) return;
  await channel.markRead({ ...auth, to: m.contactAddress, externalId: m.channelLink });
}

/** Blocks or unblocks the ticket's customer on their platform; Ponte's own flag is already set. */
export async function setBlocked(deps: OperationDeps, ticketId: string, blocked: boolean): Promise<Effect> {
  const [c] = await deps.sql<{ channel: MessageContext['channel']; account_id: string; token_encrypted: string | null; external_id: string }[]>`
    SELECT c.channel, c.account_id, c.token_encrypted, COALESCE(ct.phone, ct.external_id) AS external_id
    FROM tickets t JOIN connections c ON c.id = t.connection_id JOIN contacts ct ON ct.id = t.contact_id
    WHERE t.id = ${ticketId}`;
  if (!c) throw new Error(`ticket ${ticketId} not found`);
  const { channel, auth } = customerSide(deps, { channel: c.channel, accountId: c.account_id, tokenEncrypted: c.token_encrypted });
  if (channel.setBlocked) await channel.setBlocked({ ...auth, externalId: c.external_id, blocked });
  return NOTHING;
}
