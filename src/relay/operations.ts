import type { Sql } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';
import type { AgentBridge, CustomerChannel, ThreadRef } from '../core/ports.js';
import type { SecretBox } from '../crypto/secrets.js';
import { advanceDelivery, getMessage, insertMessage } from '../messages/repository.js';
import { loadMessageContext } from '../messages/context.js';
import { loadCard } from '../tickets/card.js';
import { t, type Locale } from '../i18n/catalog.js';
import { agentLane, enqueue, type OutboxOp } from './outbox.js';
import { DELIVERY_MARK } from './delivery-marks.js';
import { loadHome, refreshHomes } from './home.js';

export interface OperationDeps {
  sql: Sql;
  locale: Locale;
  channels: ReadonlyMap<ChannelKind, CustomerChannel>;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  secrets: SecretBox | undefined;
}

/** What performing a row produced: lanes to wake, and a platform id to link (written with the row's settle). */
export interface Effect {
  lanes: string[];
  link?: { messageId: string; platform: string; externalId: string; markSent: boolean };
}

const NOTHING: Effect = { lanes: [] };

/**
 * Performs one outbox row. Each operation first checks whether its effect already exists
 * (a link row), so a retry after a crash does not repeat it where we can know that.
 */
export async function perform(deps: OperationDeps, op: OutboxOp): Promise<Effect> {
  switch (op.kind) {
    case 'thread.open':
      await openThread(deps, op.ticketId);
      // A new ticket is a change in everyone's waiting queue.
      return { lanes: await refreshHomes(deps.sql) };
    case 'thread.post':
      return postToThread(deps, op.messageId, op.thread);
    case 'card.update': {
      const { card, platform } = await loadCard(deps.sql, op.ticketId, deps.locale, windowOf(deps));
      const thread = await currentThread(deps.sql, op.ticketId, platform);
      if (thread) await bridgeFor(deps, platform).updateCard({ thread, card });
      return { lanes: await refreshHomes(deps.sql) };
    }
    case 'home.publish': {
      const platform = op.platform as AgentPlatform;
      await bridgeFor(deps, platform).publishHome({ userId: op.userId, home: await loadHome(deps.sql, platform, op.userId, deps.locale) });
      return NOTHING;
    }
    case 'reaction.add': {
      const m = await loadMessageContext(deps.sql, op.messageId);
      if (m.agentLink) await bridgeFor(deps, m.agentPlatform).react({ externalId: m.agentLink, name: op.name });
      return NOTHING;
    }
    case 'agent.notify': {
      const { platform } = await loadCard(deps.sql, op.ticketId, deps.locale, windowOf(deps));
      const thread = await currentThread(deps.sql, op.ticketId, platform);
      if (thread) await bridgeFor(deps, platform).notify({ thread, userId: op.userId, text: op.text });
      return NOTHING;
    }
    case 'customer.send':
      return sendToCustomer(deps, op);
    case 'customer.block':
      await setBlocked(deps, op.ticketId, op.blocked);
      return NOTHING;
  }
}

/** Blocks or unblocks the ticket's customer on their platform; Ponte's own flag is already set. */
async function setBlocked(deps: OperationDeps, ticketId: string, blocked: boolean): Promise<void> {
  const [c] = await deps.sql<{ channel: ChannelKind; account_id: string; token_encrypted: string | null; external_id: string }[]>`
    SELECT c.channel, c.account_id, c.token_encrypted, ct.external_id
    FROM tickets t JOIN connections c ON c.id = t.connection_id JOIN contacts ct ON ct.id = t.contact_id
    WHERE t.id = ${ticketId}`;
  if (!c) throw new Error(`ticket ${ticketId} not found`);
  const channel = deps.channels.get(c.channel);
  if (!channel?.setBlocked) return;
  const token = c.token_encrypted ? deps.secrets?.open(c.token_encrypted) : undefined;
  await channel.setBlocked({ accountId: c.account_id, token, externalId: c.external_id, blocked });
}

/** When a customer message (or a block) cannot go through, the agent reads why in the thread. */
export async function explainFailure(deps: OperationDeps, op: OutboxOp, key: 'delivery.failed' | 'delivery.uncertain', reason: string): Promise<string[]> {
  if (op.kind === 'customer.block') {
    const noticeId = await insertMessage(deps.sql, { ticketId: op.ticketId, direction: 'system', body: t(deps.locale, op.blocked ? 'block.platform_failed' : 'unblock.platform_failed', { reason }) });
    await enqueue(deps.sql, agentLane(op.ticketId), { kind: 'thread.post', messageId: noticeId });
    return [agentLane(op.ticketId)];
  }
  if (op.kind === 'thread.open') {
    // No thread means nowhere to explain it: the connection shows it in /ponte status instead,
    // with the way out (fix the cause, then /ponte retry).
    await deps.sql`
      UPDATE connections SET healthy = false, health_reason = ${t(deps.locale, 'health.no_thread', { reason })}, updated_at = now()
      WHERE id = (SELECT connection_id FROM tickets WHERE id = ${op.ticketId})`;
    return [];
  }
  if (op.kind !== 'customer.send') return [];
  return deps.sql.begin(async (tx) => {
    const message = await getMessage(tx, op.messageId);
    await advanceDelivery(tx, message.id, key === 'delivery.failed' ? 'failed' : 'uncertain', reason);
    const noticeId = await insertMessage(tx, { ticketId: message.ticket_id, direction: 'system', body: t(deps.locale, key, { reason }) });
    await enqueue(tx, agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
    return [agentLane(message.ticket_id)];
  });
}

async function openThread(deps: OperationDeps, ticketId: string): Promise<void> {
  const { card, destination, platform } = await loadCard(deps.sql, ticketId, deps.locale, windowOf(deps));
  if (await currentThread(deps.sql, ticketId, platform)) return;
  const thread = await bridgeFor(deps, platform).openThread({ destination, card });
  await deps.sql`
    INSERT INTO thread_links (ticket_id, platform, container_id, thread_id)
    VALUES (${ticketId}, ${platform}, ${thread.containerId}, ${thread.threadId})
    ON CONFLICT DO NOTHING`;
}

async function postToThread(deps: OperationDeps, messageId: string, target?: ThreadRef): Promise<Effect> {
  const m = await loadMessageContext(deps.sql, messageId);
  if (m.agentLink) return NOTHING;
  const thread = target ?? m.thread;
  if (!thread) throw new Error(`ticket ${m.ticketId} has no ${m.agentPlatform} thread`);
  const customer = m.direction === 'inbound';
  const posted = await bridgeFor(deps, m.agentPlatform).post({
    thread,
    text: m.body,
    style: customer ? 'customer' : 'notice',
    authorName: customer ? (m.contactName ?? m.contactPhone ?? m.contactExternalId) : undefined,
  });
  return { lanes: [], link: { messageId, platform: m.agentPlatform, externalId: posted.externalId, markSent: false } };
}

async function sendToCustomer(deps: OperationDeps, op: Extract<OutboxOp, { kind: 'customer.send' }>): Promise<Effect> {
  const m = await loadMessageContext(deps.sql, op.messageId);
  const channel = deps.channels.get(m.channel);
  if (!channel) throw new Error(`the ${m.channel} channel is not configured`);
  const token = m.tokenEncrypted ? deps.secrets?.open(m.tokenEncrypted) : undefined;
  if (m.tokenEncrypted && !token) throw new Error('PONTE_SECRET_KEY is needed to read this connection’s token');
  const sent = await channel.send({ accountId: m.accountId, token, to: m.contactExternalId, text: op.text });
  // ✔️ on the agent's message once its first part has left (a no-op for messages with no
  // agent-side copy, such as the automatic accept and farewell texts).
  if (op.part === 0 && m.agentLink) await enqueue(deps.sql, agentLane(m.ticketId), { kind: 'reaction.add', messageId: m.messageId, name: DELIVERY_MARK.sent! });
  const lanes = op.part === 0 && m.agentLink ? [agentLane(m.ticketId)] : [];
  return { lanes, link: { messageId: m.messageId, platform: m.channel, externalId: sent.externalId, markSent: true } };
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

function windowOf(deps: OperationDeps): (channel: ChannelKind) => number | undefined {
  return (channel) => deps.channels.get(channel)?.capabilities.windowHours;
}
