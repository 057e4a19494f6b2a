import type { SlackIdentity } from './identity.js';

/** What a delivery says about where it comes from (the Slack team and app). */
export interface SlackOrigin {
  teamId?: string;
  appId?: string;
}

type Delivery = { type: 'events' | 'interaction'; body: unknown } | { type: 'command'; body: Record<string, string> };

/**
 * Events carry `team_id`/`api_app_id` on the envelope, slash commands as form fields,
 * interactions (block_actions, view_submission, shortcuts) as `team.id` and `api_app_id`.
 */
export function originOf(d: Delivery): SlackOrigin {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (d.type === 'command') return { teamId: str(d.body.team_id), appId: str(d.body.api_app_id) };
  const b = (d.body ?? {}) as { team_id?: unknown; api_app_id?: unknown; team?: { id?: unknown } | null; user?: { team_id?: unknown } | null };
  if (d.type === 'events') return { teamId: str(b.team_id), appId: str(b.api_app_id) };
  return { teamId: str(b.team?.id) ?? str(b.user?.team_id), appId: str(b.api_app_id) };
}

/**
 * Why a delivery is not this deployment's, or undefined when it is. The team must be named and
 * be ours; the app, when named (Slack's older slash commands omit it) and known, must be ours.
 */
export function foreignReason(origin: SlackOrigin, us: SlackIdentity): string | undefined {
  if (!origin.teamId) return 'foreign_team:none';
  if (origin.teamId !== us.teamId) return `foreign_team:${origin.teamId}`;
  if (us.appId && origin.appId && origin.appId !== us.appId) return `foreign_app:${origin.appId}`;
  return undefined;
}
