import type { Db } from '../db/connect.js';

/**
 * The audit log: who changed what (admins' configuration, blocks, retries). `actor` is
 * `<platform>:<user id>` for a person, or a word for Ponte itself (`playground`).
 */
export async function record(db: Db, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
  await db`INSERT INTO audit_log (actor, action, details) VALUES (${actor}, ${action}, ${db.json(details as never)})`;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  at: Date;
}

/** The audit log since `since` (all of it when null), oldest first. */
export async function readAudit(db: Db, since: Date | null): Promise<AuditEntry[]> {
  return db<AuditEntry[]>`
    SELECT id::text AS id, actor, action, details, at FROM audit_log
    WHERE ${since === null ? db`true` : db`at >= ${since}`}
    ORDER BY id`;
}
