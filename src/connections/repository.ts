import type { Db } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';

export interface Connection {
  id: string;
  channel: ChannelKind;
  account_id: string;
  /** WhatsApp: the WABA that owns the number (templates live there), learned from webhooks or `connect`. */
  business_account_id: string | null;
  token_encrypted: string | null;
  department_id: string;
  agent_platform: AgentPlatform;
  agent_destination: string;
  healthy: boolean;
  health_reason: string | null;
  /** Which `health.*` text explains it (`health_reason` then holds the platform's words); null on older rows. */
  health_kind: HealthKind | null;
  /** Set by `/ponte disconnect`: the account opens no tickets until `/ponte connect` names it again. */
  disconnected_at: Date | null;
}

export type HealthKind = 'auth' | 'no_thread' | 'not_shown';

export async function findConnection(db: Db, channel: ChannelKind, accountId: string): Promise<Connection | undefined> {
  const [row] = await db<Connection[]>`
    SELECT id, channel, account_id, business_account_id, token_encrypted, department_id, agent_platform, agent_destination, healthy, health_reason, health_kind, disconnected_at
    FROM connections WHERE channel = ${channel} AND account_id = ${accountId}`;
  return row;
}

export async function getConnection(db: Db, id: string): Promise<Connection> {
  const [row] = await db<Connection[]>`
    SELECT id, channel, account_id, business_account_id, token_encrypted, department_id, agent_platform, agent_destination, healthy, health_reason, health_kind, disconnected_at
    FROM connections WHERE id = ${id}`;
  if (!row) throw new Error(`connection ${id} not found`);
  return row;
}

/**
 * Creates the connection, or points an existing one at a new destination. Returns the
 * previous destination when it moved.
 */
export async function upsertConnection(
  db: Db,
  c: { channel: ChannelKind; accountId: string; platform: AgentPlatform; destination: string; createdBy: string },
): Promise<{ connection: Connection; previousDestination: string | null }> {
  const [before] = await db<{ agent_destination: string }[]>`
    SELECT agent_destination FROM connections WHERE channel = ${c.channel} AND account_id = ${c.accountId} FOR UPDATE`;
  const [row] = await db<Connection[]>`
    INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination, created_by)
    VALUES (${c.channel}, ${c.accountId}, (SELECT id FROM departments WHERE is_default), ${c.platform}, ${c.destination}, ${c.createdBy})
    ON CONFLICT (channel, account_id) DO UPDATE
      SET agent_platform = EXCLUDED.agent_platform, agent_destination = EXCLUDED.agent_destination, updated_at = now(),
          disconnected_at = NULL, disconnected_by = NULL
    RETURNING id, channel, account_id, business_account_id, token_encrypted, department_id, agent_platform, agent_destination, healthy, health_reason, health_kind, disconnected_at`;
  const previous = before && before.agent_destination !== c.destination ? before.agent_destination : null;
  return { connection: row!, previousDestination: previous };
}

export async function listConnections(db: Db): Promise<Connection[]> {
  return db<Connection[]>`
    SELECT id, channel, account_id, business_account_id, token_encrypted, department_id, agent_platform, agent_destination, healthy, health_reason, health_kind, disconnected_at
    FROM connections ORDER BY channel, account_id`;
}

/**
 * `/ponte disconnect`: the account stops opening tickets. Returns the connection as it was, or
 * undefined when there is none (or it was already disconnected).
 */
export async function disconnectConnection(db: Db, channel: ChannelKind, accountId: string, by: string): Promise<Connection | undefined> {
  const [row] = await db<Connection[]>`
    UPDATE connections SET disconnected_at = now(), disconnected_by = ${by}, updated_at = now()
    WHERE channel = ${channel} AND account_id = ${accountId} AND disconnected_at IS NULL
    RETURNING id, channel, account_id, business_account_id, token_encrypted, department_id, agent_platform, agent_destination, healthy, health_reason, health_kind, disconnected_at`;
  return row;
}
