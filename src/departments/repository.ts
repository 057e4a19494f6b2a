import type { Db } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';

/**
 * A department and where its tickets appear on each agent platform (a channel id, as the
 * platform spells it). A deployment serves one workspace/guild per platform, so one place each.
 */
export interface Department {
  id: string;
  name: string;
  destinations: Partial<Record<AgentPlatform, string>>;
  is_default: boolean;
  /** How its new tickets find an agent (src/tickets/routing.ts). */
  routing: 'none' | 'round-robin' | 'last' | 'random';
  /** Minutes without a customer message after which the next one mentions the assignee. */
  quiet_minutes: number;
  /** Inactivity (src/timers/inactivity.ts): seconds until the warning, then until the resolve; null: off. */
  inactivity_warn_seconds: number | null;
  inactivity_close_seconds: number | null;
  /** The warning the customer gets; null: the workspace language's default. */
  inactivity_text: string | null;
  /** Resolve its tickets when the channel's reply window closes. */
  window_close: boolean;
}

/** The department columns plus its destinations as one `{ platform: container }` object. */
const SELECT = `SELECT d.id, d.name, d.is_default, d.routing, d.quiet_minutes,
  d.inactivity_warn_seconds, d.inactivity_close_seconds, d.inactivity_text, d.window_close,
  (SELECT COALESCE(jsonb_object_agg(dd.platform, dd.container_id), '{}'::jsonb)
     FROM department_destinations dd WHERE dd.department_id = d.id) AS destinations
  FROM departments d`;

export async function listDepartments(db: Db): Promise<Department[]> {
  return db<Department[]>`${db.unsafe(SELECT)} ORDER BY d.is_default DESC, lower(d.name)`;
}

export async function findDepartmentById(db: Db, id: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`${db.unsafe(SELECT)} WHERE d.id = ${id}`;
  return row;
}

export async function findDepartmentByName(db: Db, name: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`${db.unsafe(SELECT)} WHERE lower(d.name) = lower(${name})`;
  return row;
}

/** The default department: new tickets land there unless a connection says otherwise. */
export async function findDefaultDepartment(db: Db): Promise<Department> {
  const [row] = await db<Department[]>`${db.unsafe(SELECT)} WHERE d.is_default`;
  return row!;
}

/**
 * The department whose tickets appear in this channel of the agent platform. Departments may
 * share a channel; the oldest of them answers.
 */
export async function findDepartmentByChannel(db: Db, platform: AgentPlatform, channelId: string): Promise<Department | undefined> {
  const [row] = await db<Department[]>`
    ${db.unsafe(SELECT)}
    WHERE d.id = (SELECT department_id FROM department_destinations
                  WHERE platform = ${platform} AND container_id = ${channelId}
                  ORDER BY department_id LIMIT 1)`;
  return row;
}

/** Where this department's tickets appear on the platform, if it has a place there. */
export async function destinationOf(db: Db, departmentId: string, platform: AgentPlatform): Promise<string | undefined> {
  const [row] = await db<{ container_id: string }[]>`
    SELECT container_id FROM department_destinations WHERE department_id = ${departmentId} AND platform = ${platform}`;
  return row?.container_id;
}

/**
 * Where a department's tickets open: its place on `preferred` (the platform of the connection
 * the ticket came through), else its place on another agent platform (a deployment running
 * Slack and Discord together: a transfer to a department that lives only on the other tool
 * opens the ticket there), else undefined (the connection's own destination is used).
 */
export async function placeOf(db: Db, departmentId: string, preferred: AgentPlatform): Promise<{ platform: AgentPlatform; containerId: string } | undefined> {
  const [row] = await db<{ platform: AgentPlatform; container_id: string }[]>`
    SELECT platform, container_id FROM department_destinations WHERE department_id = ${departmentId}
    ORDER BY platform = ${preferred} DESC, platform LIMIT 1`;
  return row ? { platform: row.platform, containerId: row.container_id } : undefined;
}

/** Creates the department, or points an existing one (same name) at this channel, in one statement. */
export async function saveDepartment(db: Db, platform: AgentPlatform, name: string, channelId: string): Promise<Department> {
  const [dept] = await db<{ id: string }[]>`
    WITH dept AS (
      INSERT INTO departments (name) VALUES (${name})
      ON CONFLICT (lower(name)) DO UPDATE SET name = departments.name
      RETURNING id)
    INSERT INTO department_destinations (department_id, platform, container_id)
    SELECT id, ${platform}, ${channelId} FROM dept
    ON CONFLICT (department_id, platform) DO UPDATE SET container_id = EXCLUDED.container_id
    RETURNING department_id AS id`;
  return (await findDepartmentById(db, dept!.id))!;
}

/** Removes a department that is not the default and has no active tickets; says why not otherwise. */
export async function removeDepartment(db: Db, name: string): Promise<'removed' | 'unknown' | 'default' | 'busy'> {
  const dept = await findDepartmentByName(db, name);
  if (!dept) return 'unknown';
  if (dept.is_default) return 'default';
  const [busy] = await db`SELECT 1 FROM tickets WHERE department_id = ${dept.id} LIMIT 1`;
  const [used] = await db`SELECT 1 FROM connections WHERE department_id = ${dept.id} LIMIT 1`;
  if (busy || used) return 'busy';
  // Its agents' membership goes with it (one statement: the foreign key is checked at its end).
  await db`
    WITH memberships AS (DELETE FROM agent_departments WHERE department_id = ${dept.id})
    DELETE FROM departments WHERE id = ${dept.id}`;
  return 'removed';
}
