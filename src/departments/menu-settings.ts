import type { Db } from '../db/connect.js';

/** A connection's department menu: on or off, its own question, the departments offered in order. */
export interface DepartmentMenu {
  connectionId: string;
  enabled: boolean;
  question: string | null;
  /** The departments offered, numbered from 1 in this order (removed departments left out). */
  departments: { id: string; name: string }[];
}

/** The menu of a connection (off, with no departments, when none was ever set). */
export async function getDepartmentMenu(db: Db, connectionId: string): Promise<DepartmentMenu> {
  const [row] = await db<{ enabled: boolean; question: string | null; department_ids: string[] }[]>`
    SELECT enabled, question, department_ids FROM department_menus WHERE connection_id = ${connectionId}`;
  if (!row) return { connectionId, enabled: false, question: null, departments: [] };
  const found = await db<{ id: string; name: string }[]>`SELECT id, name FROM departments WHERE id = ANY(${row.department_ids}::bigint[])`;
  const byId = new Map(found.map((d) => [String(d.id), d]));
  const departments = row.department_ids.map((id) => byId.get(String(id))).filter((d): d is { id: string; name: string } => !!d);
  return { connectionId, enabled: row.enabled, question: row.question, departments };
}

/** Every connection that has a menu row, for `/ponte menu`. */
export async function listDepartmentMenus(db: Db): Promise<(DepartmentMenu & { accountId: string; channel: string })[]> {
  const rows = await db<{ id: string; account_id: string; channel: string }[]>`
    SELECT c.id, c.account_id, c.channel FROM department_menus m JOIN connections c ON c.id = m.connection_id ORDER BY c.id`;
  return Promise.all(rows.map(async (c) => ({ ...(await getDepartmentMenu(db, c.id)), accountId: c.account_id, channel: c.channel })));
}

/** Turns the menu on (with its question, or the catalogue's when null) or off; the departments stay. */
export async function setMenuEnabled(db: Db, connectionId: string, enabled: boolean, question: string | null): Promise<void> {
  await db`
    INSERT INTO department_menus (connection_id, enabled, question) VALUES (${connectionId}, ${enabled}, ${question})
    ON CONFLICT (connection_id) DO UPDATE SET enabled = EXCLUDED.enabled,
      question = CASE WHEN EXCLUDED.enabled THEN EXCLUDED.question ELSE department_menus.question END, updated_at = now()`;
}

/** The departments offered, in order (the menu stays on or off as it was). */
export async function setMenuDepartments(db: Db, connectionId: string, departmentIds: string[]): Promise<void> {
  await db`
    INSERT INTO department_menus (connection_id, department_ids) VALUES (${connectionId}, ${departmentIds}::bigint[])
    ON CONFLICT (connection_id) DO UPDATE SET department_ids = EXCLUDED.department_ids, updated_at = now()`;
}
