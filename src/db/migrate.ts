import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connect.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Advisory lock key that serialises concurrent `ponte migrate` / boots (any fixed number). */
const MIGRATION_LOCK = 727_001;

export interface MigrationResult {
  applied: string[];
  current: string[];
}

/**
 * Applies migrations/NNNN_name.sql in order, each in its own transaction, under an advisory
 * lock so that many processes booting at once apply each file exactly once.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(`${dir}/${file}`, 'utf8'));
      await tx`INSERT INTO schema_migrations (version) VALUES (${file})`;
      applied.push(file);
    }
    return { applied, current: files };
  });
}

/** True when every migration file has been applied (readiness). */
export async function migrationsApplied(sql: Sql, dir = MIGRATIONS_DIR): Promise<boolean> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f));
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM schema_migrations WHERE version IN ${sql(files)}`.catch(() => [{ n: -1 }]);
  return row?.n === files.length;
}
