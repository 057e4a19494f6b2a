import type { AgentPlatform, ChannelKind } from '../core/events.js';
import { hasHome, type ChannelCapabilities, type CustomerChannel, type ThreadRef } from '../core/ports.js';
import type { Db } from '../db/connect.js';
import type { DeliveryErrorClass } from '../core/errors.js';
import { advanceDelivery, getMessage, insertNotice } from '../messages/repository.js';
import { contextOf, customerLabel, loadMessageContext } from '../messages/context.js';
import { loadCard } from '../tickets/card.js';
import { say } from '../i18n/catalog.js';
import { agentLane, enqueue, type OutboxOp } from './outbox.js';
import { loadHome, refreshHomes } from '../agent/home.js';
import { markCustomerRead, reactToCustomer, sendToCustomer, setBlocked } from '../customer/sends.js';
import { mirrorMedia } from '../customer/media-mirror.js';
import { lookupContactName } from '../customer/contact-profile.js';
import { syncTemplates } from '../customer/template-sync.js';
import { REVISION_KIND } from '../customer/revisions.js';
import type { Rich } from '../core/rich-text.js';
import { explainNoThread, explainNotShown, explainSendFailure } from './failure-notice.js';
import { NOTHING, bridgeFor, currentThread, type Effect, type OperationDeps } from './operation-deps.js';
import { earlierPost, keyOf, type Attempt } from './reconcile.js';
import { postHistory } from '../tickets/history-post.js';
import { postTranscript } from '../tickets/transcript.js';

export type { Effect, OperationDeps } from './operation-deps.js';

/**
 * Performs one outbox row. Each operation first checks whether its effect already exists
 * (a link row), so a retry after a crash does not repeat it where we can know that. Posts
 * (AGENT_POSTS) carry the row's key, and when `attempt.unsure` says an earlier attempt may
 * have posted without its link being written, they look for that post before posting again.
 */
export async function perform(deps: OperationDeps, op: OutboxOp, attempt?: Attempt): Promise<Effect> {
  switch (op.kind) {
    case 'thread.open':
      await openThread(deps, op.ticketId, attempt);
      // A new ticket is a change in everyone's waiting queue.
      return { lanes: await refreshHomes(deps.sql, deps.bridges) };
    case 'contact.profile':
      return lookupContactName(deps, op.ticketId);
    case 'thread.post':
      return postToThread(deps, op.messageId, op.thread, op.offerTemplates, attempt);
    case 'card.update': {
      const { card, platform } = await loadCard(deps.sql, op.ticketId, deps.locale, capsOf(deps));
      const thread = await currentThread(deps.sql, op.ticketId, platform);
      if (thread) await bridgeFor(deps, platform).updateCard({ thread, card });
      return { lanes: await refreshHomes(deps.sql, deps.bridges) };
    }
    case 'home.publish': {
      const platform = op.platform as AgentPlatform;
      const bridge = bridgeFor(deps, platform);
      // Only a bridge with a home is queued publishes (refreshHomes); a row left for another is a no-op.
      if (hasHome(bridge)) await bridge.publishHome({ userId: op.userId, home: await loadHome(deps.sql, platform, op.userId, deps.locale) });
      return NOTHING;
    }
    case 'reaction.add': {
      const m = await loadMessageContext(deps.sql, op.messageId);
      if (m.agentLink) await bridgeFor(deps, m.agentPlatform).react({ externalId: m.agentLink, name: op.name, remove: op.remove });
      return NOTHING;
    }
    case 'media.mirror':
      return mirrorMedia(deps, op.messageId, op.index, attempt);
    case 'channel.announce': {
      const [c] = await deps.sql<{ agent_platform: AgentPlatform; agent_destination: string }[]>`
        SELECT agent_platform, agent_destination FROM connections WHERE id = ${op.connectionId}`;
      if (!c) return NOTHING;
      const bridge = bridgeFor(deps, c.agent_platform);
      const where = { destination: c.agent_destination };
      if (!(await earlierPost(deps.sql, bridge, attempt, where))) await bridge.announce({ ...where, text: op.text, ...keyOf(attempt) });
      return NOTHING;
    }
    case 'templates.sync':
      return syncTemplates(deps, op.platform as AgentPlatform, op.destination);
    case 'agent.notify': {
      const { platform } = await loadCard(deps.sql, op.ticketId, deps.locale, capsOf(deps));
      const thread = await currentThread(deps.sql, op.ticketId, platform);
      if (thread) await bridgeFor(deps, platform).notify({ thread, userId: op.userId, text: op.text });
      return NOTHING;
    }
    case 'customer.send':
    case 'customer.media':
    case 'customer.template':
      return sendToCustomer(deps, op, attempt?.context);
    case 'customer.react':
      await reactToCustomer(deps, op.messageId, op.emoji);
      return NOTHING;
    case 'customer.read':
      await markCustomerRead(deps, op.messageId);
      return NOTHING;
    case 'customer.block':
      await setBlocked(deps, op.ticketId, op.blocked);
      return NOTHING;
    case 'contact.history':
      return postHistory(deps, op, attempt);
    case 'ticket.transcript':
      return postTranscript(deps, op, attempt);
  }
}

/**
 * When a customer message (or a block, a file) cannot go through, the agent reads why in the
 * thread, with the way out for the kind of failure. An auth failure also marks the connection
 * unhealthy and alerts its channel once.
 */
export async function explainFailure(
  deps: OperationDeps,
  op: OutboxOp,
  key: 'delivery.failed' | 'delivery.uncertain',
  reason: string,
  errorClass?: DeliveryErrorClass,
): Promise<string[]> {
  if (op.kind === 'customer.block') {
    const noticeId = await insertNotice(deps.sql, op.ticketId, say(deps.locale, op.blocked ? 'block.platform_failed' : 'unblock.platform_failed', { reason }));
    await enqueue(deps.sql, agentLane(op.ticketId), { kind: 'thread.post', messageId: noticeId });
    return [agentLane(op.ticketId)];
  }
  // No thread means nowhere to explain it: the connection's channel is told, and /ponte status shows it.
  if (op.kind === 'thread.open') return explainNoThread(deps.sql, { ticketId: op.ticketId, reason, locale: deps.locale });
  if (op.kind === 'thread.post') return explainNotShown(deps.sql, { messageId: op.messageId, reason, locale: deps.locale });
  if (op.kind === 'media.mirror') {
    const message = await getMessage(deps.sql, op.messageId);
    const noticeId = await insertNotice(deps.sql, message.ticket_id, say(deps.locale, 'media.not_mirrored', { reason }));
    await enqueue(deps.sql, agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
    return [agentLane(message.ticket_id)];
  }
  if (op.kind !== 'customer.send' && op.kind !== 'customer.media' && op.kind !== 'customer.template') return [];
  return deps.sql.begin(async (tx) => {
    const message = await getMessage(tx, op.messageId);
    await advanceDelivery(tx, message.id, key === 'delivery.failed' ? 'failed' : 'uncertain', reason);
    if (key === 'delivery.uncertain') {
      const noticeId = await insertNotice(tx, message.ticket_id, say(deps.locale, key, { reason }));
      await enqueue(tx, agentLane(message.ticket_id), { kind: 'thread.post', messageId: noticeId });
      return [agentLane(message.ticket_id)];
    }
    const templates = (await channelOf(tx, deps, message.ticket_id))?.capabilities.templates ?? false;
    return explainSendFailure(tx, { ticketId: message.ticket_id, errorClass, reason, templates, locale: deps.locale });
  });
}

async function channelOf(db: Db, deps: OperationDeps, ticketId: string): Promise<CustomerChannel | undefined> {
  const [row] = await db<{ channel: ChannelKind }[]>`SELECT c.channel FROM tickets t JOIN connections c ON c.id = t.connection_id WHERE t.id = ${ticketId}`;
  return row ? deps.channels.get(row.channel) : undefined;
}

async function openThread(deps: OperationDeps, ticketId: string, attempt?: Attempt): Promise<void> {
  const { card, destination, platform } = await loadCard(deps.sql, ticketId, deps.locale, capsOf(deps));
  if (await currentThread(deps.sql, ticketId, platform)) return;
  const bridge = bridgeFor(deps, platform);
  // A card an unsure attempt already posted becomes the thread; otherwise post it, keyed.
  const earlier = await earlierPost(deps.sql, bridge, attempt, { destination });
  const thread = earlier?.opens ?? (await bridge.openThread({ destination, card, ...keyOf(attempt) }));
  await deps.sql`
    INSERT INTO thread_links (ticket_id, platform, container_id, thread_id)
    VALUES (${ticketId}, ${platform}, ${thread.containerId}, ${thread.threadId})
    ON CONFLICT DO NOTHING`;
}

async function postToThread(
  deps: OperationDeps,
  messageId: string,
  target?: ThreadRef & { platform?: string },
  offerTemplates?: boolean,
  attempt?: Attempt,
): Promise<Effect> {
  const m = await contextOf(deps.sql, messageId, attempt?.context);
  // A thread named by the row (the one a transfer left) may be on another platform than the ticket's now.
  const platform = target?.platform ?? m.agentPlatform;
  if (platform === m.agentPlatform ? m.agentLink : await linkOn(deps.sql, messageId, platform)) return NOTHING;
  const thread = target ? { containerId: target.containerId, threadId: target.threadId } : m.thread;
  if (!thread) throw new Error(`ticket ${m.ticketId} has no ${platform} thread`);
  const bridge = bridgeFor(deps, platform);
  const earlier = await earlierPost(deps.sql, bridge, attempt, { thread });
  if (earlier) return { lanes: [], link: { messageId, platform, externalId: earlier.externalId, markSent: false } };
  const customer = m.direction === 'inbound';
  const posted = await bridge.post({
    thread,
    text: wordedLine(deps.locale, m),
    style: customer ? 'customer' : 'notice',
    authorName: customer ? customerLabel(m) : undefined,
    ...(m.quote ? { quote: m.quote } : {}),
    ...(offerTemplates ? { offer: { kind: 'templates' as const, ticketId: m.ticketId } } : {}),
    ...keyOf(attempt),
  });
  return { lanes: [], link: { messageId, platform, externalId: posted.externalId, markSent: false } };
}

/** A message's line as posted: a template, an edit and a deletion say what they are around the words. */
function wordedLine(locale: OperationDeps['locale'], m: { kind: string; body: string; rich?: Rich | null }): Rich | string {
  if (m.kind === 'template') return say(locale, 'template.posted', { text: m.body });
  if (m.kind === REVISION_KIND.edit) return say(locale, 'customer.edited', { text: m.body });
  if (m.kind === REVISION_KIND.delete) return say(locale, 'customer.deleted');
  return m.rich ?? m.body;
}

async function linkOn(sql: OperationDeps['sql'], messageId: string, platform: string): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM message_links WHERE message_id = ${messageId} AND platform = ${platform} LIMIT 1`;
  return !!row;
}

function capsOf(deps: OperationDeps): (channel: ChannelKind) => ChannelCapabilities | undefined {
  return (channel) => deps.channels.get(channel)?.capabilities;
}
