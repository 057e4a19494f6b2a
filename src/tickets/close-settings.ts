import type { Db } from '../db/connect.js';

/**
 * What closing a ticket asks for, as admins set it: each department's close reasons, the contact
 * fields asked for at close (required or optional), and the satisfaction survey (one setting for
 * every department, with an optional text of its own).
 */

export async function closeReasonsOf(db: Db, departmentId: string): Promise<string[]> {
  const rows = await db<{ reason: string }[]>`SELECT reason FROM close_reasons WHERE department_id = ${departmentId} ORDER BY created_at, reason`;
  return rows.map((r) => r.reason);
}

export async function addCloseReason(db: Db, departmentId: string, reason: string): Promise<void> {
  await db`INSERT INTO close_reasons (department_id, reason) VALUES (${departmentId}, ${reason}) ON CONFLICT DO NOTHING`;
}

/** Removes a reason (matched without regard to case); false when the department had none such. */
export async function removeCloseReason(db: Db, departmentId: string, reason: string): Promise<boolean> {
  const rows = await db`DELETE FROM close_reasons WHERE department_id = ${departmentId} AND lower(reason) = lower(${reason}) RETURNING reason`;
  return rows.length > 0;
}

export interface CloseField {
  name: string;
  required: boolean;
}

export async function closeFields(db: Db): Promise<CloseField[]> {
  return db<CloseField[]>`SELECT name, required FROM close_fields ORDER BY name`;
}

/** Asks for a contact field at close (`required` or `optional`), or stops asking (`off`). */
export async function setCloseField(db: Db, name: string, mode: 'required' | 'optional' | 'off'): Promise<void> {
  if (mode === 'off') await db`DELETE FROM close_fields WHERE name = ${name}`;
  else await db`INSERT INTO close_fields (name, required) VALUES (${name}, ${mode === 'required'}) ON CONFLICT (name) DO UPDATE SET required = EXCLUDED.required`;
}

export interface SurveySetting {
  on: boolean;
  /** The admin's question; null: the catalogue's, in the deployment's language. */
  text: string | null;
}

export async function getSurvey(db: Db): Promise<SurveySetting> {
  const [row] = await db<{ value: { on?: boolean; text?: string } }[]>`SELECT value FROM settings WHERE key = 'survey'`;
  return { on: row?.value.on === true, text: row?.value.text || null };
}

export async function setSurvey(db: Db, s: SurveySetting, by: string): Promise<void> {
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES ('survey', ${db.json({ on: s.on, ...(s.text ? { text: s.text } : {}) })}, ${by})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}

/** What resolving a ticket asks for (its department's reasons, the close fields with the contact's values); undefined: nothing. */
export async function closeAsksFor(db: Db, ticketId: string): Promise<{ reasons: string[]; fields: { name: string; required: boolean; value: string | null }[] } | undefined> {
  const [ticket] = await db<{ department_id: string; custom_fields: Record<string, string> }[]>`
    SELECT t.department_id, c.custom_fields FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ${ticketId}`;
  if (!ticket) return undefined;
  const reasons = await closeReasonsOf(db, ticket.department_id);
  const fields = (await closeFields(db)).map((f) => ({ ...f, value: ticket.custom_fields[f.name] ?? null }));
  return reasons.length || fields.length ? { reasons, fields } : undefined;
}
