import type { Db } from '../db/connect.js';

/**
 * The audit log: who changed what (admins' configuration, blocks, retries). `actor` is
 * `<platform>:<user id>` for a person, or a word for Ponte itself (`playground`).
 */
export async function record(db: Db, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
  await db`INSERT INTO audit_log (actor, action, details) VALUES (${actor}, ${action}, ${db.json(details as never)})`;
}
