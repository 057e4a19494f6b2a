import type { Sql } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';
import type { AgentBridge, CustomerChannel } from '../core/ports.js';
import type { SecretBox } from '../crypto/secrets.js';
import { getConnection } from '../connections/repository.js';
import { getContact } from '../contacts/repository.js';
import { advanceDelivery, getMessage, insertMessage, linkMessage, linkOf } from '../messages/repository.js';
import { getTicket } from '../tickets/repository.js';
import { loadCard } from '../tickets/card.js';
import { t, type Locale } from '../i18n/catalog.js';
import { agentLane, enqueue, type OutboxOp } from './outbox.js';

export interface OperationDeps {
  sql: Sql;
  locale: Locale;
  channels: ReadonlyMap<ChannelKind, CustomerChannel>;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  secrets: SecretBox | undefined;
}

/**
 * Performs one outbox row. Each operation first checks whether its effect already exists
 * (a link row), so a retry after a crash does not repeat it where we can know that.
 * Returns lanes to wake because of follow-up rows.
 */
export async function perform(deps: OperationDeps, op: OutboxOp): Promise<string[]> {
  switch (op.kind) {
    case 'thread.open':
      return openThread(deps, op.ticketId);
    case 'thread.post':
      return postToThread(deps, op.messageId);
    case 'card.update': {
      const { card, platform } = await loadCard(deps.sql, op.ticketId, deps.locale);
      const thread = await currentThread(deps.sql, op.ticketId, platform);
      if (thread) await bridgeFor(deps, platform).updateCard({ thread, card });
      return [];
    }
    case 'reaction.add': {
      const message = await getMessage(deps.sql, op.messageId);
      const { platform } = await loadCard(deps.sql, message.ticket_id, deps.locale);
      const externalId = await linkOf(deps.sql, op.messageId, platform);
      if (externalId) await bridgeFor(deps, platform).react({ externalId, name: op.name });
      return [];
    }
    case 'customer.send':
      return sendToCustomer(deps, op);
  }
}

/** When a customer message cannot go out, the agent reads why in the thread. */
export async function explainFailure(deps: OperationDeps, op: OutboxOp, key: 'delivery.failed' | 'delivery.uncertain', reason: string): Promise<string[]> {
  if (op.kind !== 'customer.send') return [];
  return deps.sql.begin(async (tx) => {
    const message = await getMessage(tx, op.messageId);
    await advanceDelivery(tx, message.id, key === 'delivery.failed' ? 'failed' : 'uncertain', reason);
    const noticeId = await insertMessage(tx, { ticketId: message.ticket_id, direction: 'system', body: t(deps.locale, key, { reason }) });
    await enqueue(tx, agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
    return [agentLane(message.ticket_id)];
  });
}

async function openThread(deps: OperationDeps, ticketId: string): Promise<string[]> {
  const { card, destination, platform } = await loadCard(deps.sql, ticketId, deps.locale);
  if (await currentThread(deps.sql, ticketId, platform)) return [];
  const thread = await bridgeFor(deps, platform).openThread({ destination, card });
  await deps.sql`
    INSERT INTO thread_links (ticket_id, platform, container_id, thread_id)
    VALUES (${ticketId}, ${platform}, ${thread.containerId}, ${thread.threadId})
    ON CONFLICT DO NOTHING`;
  return [];
}

async function postToThread(deps: OperationDeps, messageId: string): Promise<string[]> {
  const message = await getMessage(deps.sql, messageId);
  const ticket = await getTicket(deps.sql, message.ticket_id);
  const connection = await getConnection(deps.sql, ticket.connection_id);
  const platform = connection.agent_platform;
  if (await linkOf(deps.sql, messageId, platform)) return [];
  const thread = await currentThread(deps.sql, ticket.id, platform);
  if (!thread) throw new Error(`ticket ${ticket.id} has no ${platform} thread`);
  const contact = message.direction === 'inbound' ? await getContact(deps.sql, ticket.contact_id) : undefined;
  const posted = await bridgeFor(deps, platform).post({
    thread,
    text: message.body,
    style: message.direction === 'inbound' ? 'customer' : 'notice',
    authorName: contact ? (contact.name ?? contact.phone ?? contact.external_id) : undefined,
  });
  await linkMessage(deps.sql, messageId, platform, posted.externalId);
  return [];
}

async function sendToCustomer(deps: OperationDeps, op: Extract<OutboxOp, { kind: 'customer.send' }>): Promise<string[]> {
  const message = await getMessage(deps.sql, op.messageId);
  const ticket = await getTicket(deps.sql, message.ticket_id);
  const connection = await getConnection(deps.sql, ticket.connection_id);
  const contact = await getContact(deps.sql, ticket.contact_id);
  const channel = deps.channels.get(connection.channel);
  if (!channel) throw new Error(`the ${connection.channel} channel is not configured`);
  const token = connection.token_encrypted ? deps.secrets?.open(connection.token_encrypted) : undefined;
  if (connection.token_encrypted && !token) throw new Error('PONTE_SECRET_KEY is needed to read this connection’s token');
  const sent = await channel.send({ accountId: connection.account_id, token, to: contact.external_id, text: op.text });
  await deps.sql.begin(async (tx) => {
    await linkMessage(tx, message.id, connection.channel, sent.externalId);
    await advanceDelivery(tx, message.id, 'sent');
  });
  return [];
}

async function currentThread(sql: Sql, ticketId: string, platform: string) {
  const [row] = await sql<{ containerId: string; threadId: string }[]>`
    SELECT container_id AS "containerId", thread_id AS "threadId" FROM thread_links
    WHERE ticket_id = ${ticketId} AND platform = ${platform} AND is_current`;
  return row;
}

function bridgeFor(deps: OperationDeps, platform: string): AgentBridge {
  const bridge = deps.bridges.get(platform as AgentPlatform);
  if (!bridge) throw new Error(`the ${platform} bridge is not configured`);
  return bridge;
}
