import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { AgentProfile } from '../core/ports.js';
import { findAgent, profileIsFresh, saveAgentProfile } from '../agents/repository.js';

/** Reads a person's profile on their platform (the bridge's lookupUser). */
export type ProfileLookup = (platform: AgentPlatform, userId: string) => Promise<AgentProfile>;

/**
 * Admin = listed in PONTE_ADMINS, granted the admin role, or an admin/owner of the workspace
 * on the platform itself. The last is read from the profile, cached for a day like names;
 * a stale or missing profile is fetched (and if the platform cannot be asked, the answer is no).
 */
export async function isAdmin(
  db: Db,
  envAdmins: readonly string[],
  platform: AgentPlatform,
  userId: string,
  lookup?: ProfileLookup,
): Promise<boolean> {
  if (envAdmins.includes(`${platform}:${userId}`)) return true;
  const agent = await findAgent(db, platform, userId);
  if (agent?.role === 'admin') return true;
  if (agent && profileIsFresh(agent)) return agent.platform_admin;
  if (!lookup) return agent?.platform_admin ?? false;
  try {
    const saved = await saveAgentProfile(db, platform, userId, await lookup(platform, userId));
    return saved.platform_admin;
  } catch {
    return false;
  }
}
