import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import { findAgent } from '../agents/repository.js';

/**
 * Admin = listed in PONTE_ADMINS, granted the admin role, or an admin/owner of the workspace
 * on the platform itself (as last seen in their profile).
 */
export async function isAdmin(db: Db, envAdmins: readonly string[], platform: AgentPlatform, userId: string): Promise<boolean> {
  if (envAdmins.includes(`${platform}:${userId}`)) return true;
  const agent = await findAgent(db, platform, userId);
  return agent?.role === 'admin' || agent?.platform_admin === true;
}
