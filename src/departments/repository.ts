import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';

export interface Department {
  id: string;
  name: string;
  slack_channel: string | null;
  discord_channel: string | null;
  is_default: boolean;
}

const COLUMNS = 'id, name, slack_channel, discord_channel, is_default';

export async function listDepartments(db: Db): Promise<Department[]> {
  return db<Department[]>`SELECT ${db.unsafe(COLUMNS)} FROM departments ORDER BY is_default DESC, lower(name)`;
}

export async function findDepartmentById(db: Db, id: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`SELECT ${db.unsafe(COLUMNS)} FROM departments WHERE id = ${id}`;
  return row;
}

export async function findDepartmentByName(db: Db, name: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`SELECT ${db.unsafe(COLUMNS)} FROM departments WHERE lower(name) = lower(${name})`;
  return row;
}

/** The department whose tickets appear in this channel of the agent platform. */
export async function findDepartmentByChannel(db: Db, platform: AgentPlatform, channelId: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`
    SELECT ${db.unsafe(COLUMNS)} FROM departments
    WHERE CASE ${platform} WHEN 'slack' THEN slack_channel WHEN 'discord' THEN discord_channel END = ${channelId}`;
  return row;
}

/** Creates the department, or points an existing one (same name) at this channel. */
export async function saveDepartment(db: Db, platform: AgentPlatform, name: string, channelId: string): Promise<Department> {
  const [row] = await db<Department[]>`
    INSERT INTO departments (name, slack_channel, discord_channel)
    VALUES (${name}, ${platform === 'slack' ? channelId : null}, ${platform === 'discord' ? channelId : null})
    ON CONFLICT (lower(name)) DO UPDATE SET
      slack_channel = COALESCE(EXCLUDED.slack_channel, departments.slack_channel),
      discord_channel = COALESCE(EXCLUDED.discord_channel, departments.discord_channel)
    RETURNING ${db.unsafe(COLUMNS)}`;
  return row!;
}

/** Removes a department that is not the default and has no active tickets; says why not otherwise. */
export async function removeDepartment(db: Db, name: string): Promise<'removed' | 'unknown' | 'default' | 'busy'> {
  const dept = await findDepartmentByName(db, name);
  if (!dept) return 'unknown';
  if (dept.is_default) return 'default';
  const [busy] = await db`SELECT 1 FROM tickets WHERE department_id = ${dept.id} LIMIT 1`;
  const [used] = await db`SELECT 1 FROM connections WHERE department_id = ${dept.id} LIMIT 1`;
  if (busy || used) return 'busy';
  await db`DELETE FROM departments WHERE id = ${dept.id}`;
  return 'removed';
}
