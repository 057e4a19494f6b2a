import type { Rich } from '../core/rich-text.js';
import type { Db } from '../db/connect.js';
import type { AgentFileRef, AgentPlatform, ChannelKind, MediaRef } from '../core/events.js';
import type { ThreadRef } from '../core/ports.js';
import type { Direction } from './repository.js';
import { atHandle, maskPhone } from '../contacts/mask.js';

/** Everything dispatching one message needs, in one query (it runs for every message). */
export interface MessageContext {
  messageId: string;
  ticketId: string;
  direction: Direction;
  kind: string;
  body: string;
  /** A system message's rich text (null on rows from before it was stored). */
  rich: Rich | null;
  /** Files of the message: a customer's (MediaRef) or an agent's (AgentFileRef). */
  attachments: (MediaRef | AgentFileRef)[];
  /** The words of the message this one replies to, if it quotes one. */
  quote: string | null;
  channel: ChannelKind;
  connectionId: string;
  /** Admins were alerted that the connection's token was refused (cleared by the next send that works). */
  connectionAlerted: boolean;
  accountId: string;
  tokenEncrypted: string | null;
  agentPlatform: AgentPlatform;
  contactExternalId: string;
  /** Where the channel sends to reach them: their phone when known, else their platform id (a BSUID, PSID, IGSID). */
  contactAddress: string;
  /** Their handle on the channel (a WhatsApp username), if they have one. */
  contactUsername: string | null;
  contactName: string | null;
  contactPhone: string | null;
  /** The ticket's current thread on the agent platform, if it has one yet. */
  thread: ThreadRef | null;
  /** The message's own id on the agent platform, if it is already there. */
  agentLink: string | null;
  /** The message's id on the customer's platform (a customer's message: its wamid/mid). */
  channelLink: string | null;
}

interface Row {
  message_id: string;
  ticket_id: string;
  direction: Direction;
  kind: string;
  body: string;
  rich: Rich | null;
  attachments: (MediaRef | AgentFileRef)[];
  quote: string | null;
  channel: ChannelKind;
  connection_id: string;
  connection_alerted: boolean;
  account_id: string;
  token_encrypted: string | null;
  agent_platform: AgentPlatform;
  contact_external_id: string;
  contact_address: string;
  contact_username: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  container_id: string | null;
  thread_id: string | null;
  agent_link: string | null;
  channel_link: string | null;
}

/**
 * The name a customer's posts show under in the thread: their profile name, else their phone
 * masked as on the card (the whole channel reads the thread), else the platform id.
 */
export function customerLabel(m: Pick<MessageContext, 'contactName' | 'contactPhone' | 'contactExternalId' | 'contactUsername'>): string {
  return m.contactName ?? atHandle(m.contactUsername) ?? maskPhone(m.contactPhone) ?? m.contactExternalId;
}

/** The query behind a message's context, as a fragment (`loadMessageContext`, `joinMessageContext`). */
function messageContextQuery(db: Db, messageId: string) {
  return db`
    SELECT m.id AS message_id, m.ticket_id, m.direction, m.kind, m.body, m.rich, m.attachments, m.quote,
           c.channel, c.id AS connection_id, c.alerted_at IS NOT NULL AS connection_alerted, c.account_id, c.token_encrypted, COALESCE(tl.platform, c.agent_platform) AS agent_platform,
           ct.external_id AS contact_external_id, ct.name AS contact_name, ct.phone AS contact_phone, ct.username AS contact_username,
           -- Where sends go: the phone when one is known (WhatsApp's \`to\`, which wins over a BSUID), else the id.
           COALESCE(ct.phone, ct.external_id) AS contact_address,
           tl.container_id, tl.thread_id,
           (SELECT l.external_id FROM message_links l
             WHERE l.message_id = m.id AND l.platform = COALESCE(tl.platform, c.agent_platform) LIMIT 1) AS agent_link,
           (SELECT l.external_id FROM message_links l
             WHERE l.message_id = m.id AND l.platform = c.channel ORDER BY l.part NULLS FIRST LIMIT 1) AS channel_link
    FROM messages m
    JOIN tickets t ON t.id = m.ticket_id
    JOIN connections c ON c.id = t.connection_id
    JOIN contacts ct ON ct.id = t.contact_id
    -- The ticket's current thread, on whichever agent platform it is worked now (a transfer may move it).
    LEFT JOIN LATERAL (SELECT platform, container_id, thread_id FROM thread_links
      WHERE ticket_id = t.id AND is_current ORDER BY created_at DESC LIMIT 1) tl ON true
    WHERE m.id = ${messageId}`;
}

/** A context row as read by `messageContextQuery` (its columns, by their names). */
export type MessageContextRow = Row;

/**
 * Joins a message's context to a statement's row (`SELECT x.*, ctx.* FROM x ${joinMessageContext}`):
 * the dispatcher reads it with the statement that claims the message's outbox row, one round trip
 * fewer per post and per send. `contextIn` takes it back out of the row.
 */
export function joinMessageContext(db: Db, messageId: string) {
  return db`LEFT JOIN LATERAL (${messageContextQuery(db, messageId)}) ctx ON true`;
}

/** The context a `joinMessageContext` row carries; undefined when the message was not there. */
export function contextIn(row: Partial<Row>): MessageContext | undefined {
  return row.message_id ? toMessageContext(row as Row) : undefined;
}

export async function loadMessageContext(db: Db, messageId: string): Promise<MessageContext> {
  const [r] = await db<Row[]>`${messageContextQuery(db, messageId)}`;
  if (!r) throw new Error(`message ${messageId} not found`);
  return toMessageContext(r);
}

/** A context that came with a claim when it is this message's, else the context read now. */
export function contextOf(db: Db, messageId: string, known: MessageContext | undefined): Promise<MessageContext> | MessageContext {
  return known?.messageId === messageId ? known : loadMessageContext(db, messageId);
}

function toMessageContext(r: Row): MessageContext {
  return {
    messageId: r.message_id,
    ticketId: r.ticket_id,
    direction: r.direction,
    kind: r.kind,
    body: r.body,
    rich: r.rich,
    attachments: r.attachments,
    quote: r.quote,
    channel: r.channel,
    connectionId: r.connection_id,
    connectionAlerted: r.connection_alerted,
    accountId: r.account_id,
    tokenEncrypted: r.token_encrypted,
    agentPlatform: r.agent_platform,
    contactExternalId: r.contact_external_id,
    contactAddress: r.contact_address,
    contactUsername: r.contact_username,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    thread: r.container_id && r.thread_id ? { containerId: r.container_id, threadId: r.thread_id } : null,
    agentLink: r.agent_link,
    channelLink: r.channel_link,
  };
}
