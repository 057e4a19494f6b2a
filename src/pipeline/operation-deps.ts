import type { Sql } from '../db/connect.js';
import type { AgentPlatform, ChannelKind, MediaKind } from '../core/events.js';
import type { AgentBridge, CustomerChannel } from '../core/ports.js';
import type { SecretBox } from '../crypto/secrets.js';
import type { Locale } from '../i18n/catalog.js';

export interface OperationDeps {
  sql: Sql;
  locale: Locale;
  channels: ReadonlyMap<ChannelKind, CustomerChannel>;
  bridges: ReadonlyMap<AgentPlatform, AgentBridge>;
  secrets: SecretBox | undefined;
  /** PUBLIC_URL: where platforms that take attachments by URL fetch agents' files. */
  publicUrl?: string;
  /** Caps on customers' files Ponte downloads, per kind (PONTE_MEDIA_LIMITS). */
  mediaLimits: Readonly<Record<MediaKind, number>>;
}

/** What performing a row produced: lanes to wake, and a platform id to link (written with the row's settle). */
export interface Effect {
  lanes: string[];
  link?: { messageId: string; platform: string; externalId: string; markSent: boolean; part?: number };
  /**
   * Bookkeeping of a delivery that already went out (marks, health). Dispatch runs it after the
   * operation, outside its error handling: if it fails (the database went away), the row stays in
   * flight and is never performed again, instead of passing for a failed delivery.
   */
  after?: () => Promise<void>;
}

export const NOTHING: Effect = { lanes: [] };

export async function currentThread(sql: Sql, ticketId: string, platform: string) {
  const [row] = await sql<{ containerId: string; threadId: string }[]>`
    SELECT container_id AS "containerId", thread_id AS "threadId" FROM thread_links
    WHERE ticket_id = ${ticketId} AND platform = ${platform} AND is_current`;
  return row;
}

export function bridgeFor(deps: OperationDeps, platform: string): AgentBridge {
  const bridge = deps.bridges.get(platform as AgentPlatform);
  if (!bridge) throw new Error(`the ${platform} bridge is not configured`);
  return bridge;
}

