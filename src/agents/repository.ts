import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';

export interface Agent {
  id: string;
  platform: AgentPlatform;
  platform_user_id: string;
  display_name: string | null;
  role: 'agent' | 'admin';
  platform_admin: boolean;
  signature_enabled: boolean;
  /** This agent's own farewell message (overrides the workspace's when they resolve). */
  closing_message: string | null;
  profile_fetched_at: Date | null;
}

/** Profiles are re-read from the platform after this long (renames show up within a day). */
export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

export async function findAgent(db: Db, platform: AgentPlatform, userId: string): Promise<Agent | undefined> {
  const [row] = await db<Agent[]>`
    SELECT id, platform, platform_user_id, display_name, role, platform_admin, signature_enabled, closing_message, profile_fetched_at
    FROM agents WHERE platform = ${platform} AND platform_user_id = ${userId}`;
  return row;
}

export async function saveAgentProfile(
  db: Db,
  platform: AgentPlatform,
  userId: string,
  profile: { displayName: string; platformAdmin: boolean },
): Promise<Agent> {
  const [row] = await db<Agent[]>`
    INSERT INTO agents (platform, platform_user_id, display_name, platform_admin, profile_fetched_at)
    VALUES (${platform}, ${userId}, ${profile.displayName}, ${profile.platformAdmin}, now())
    ON CONFLICT (platform, platform_user_id) DO UPDATE SET
      display_name = EXCLUDED.display_name, platform_admin = EXCLUDED.platform_admin, profile_fetched_at = now()
    RETURNING id, platform, platform_user_id, display_name, role, platform_admin, signature_enabled, closing_message, profile_fetched_at`;
  return row!;
}

export function profileIsFresh(agent: Agent | undefined, now = Date.now()): boolean {
  return !!agent?.display_name && !!agent.profile_fetched_at && now - agent.profile_fetched_at.getTime() < PROFILE_TTL_MS;
}

export async function findAgentById(db: Db, id: string): Promise<Agent | undefined> {
  const [row] = await db<Agent[]>`
    SELECT id, platform, platform_user_id, display_name, role, platform_admin, signature_enabled, closing_message, profile_fetched_at
    FROM agents WHERE id = ${id}`;
  return row;
}
