import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the server of `baseUrl`, so test files can run in parallel
 * without seeing each other's rows. Migrations are the caller's business.
 */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `ponte_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }

  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 5, onnotice: () => {} });
  let dropping: Promise<void> | undefined;
  const drop = async (): Promise<void> => {
    await sql.end({ timeout: 5 });
    const cleaner = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      // FORCE: a connection the test leaked (a pool it never closed) must not block the drop.
      await cleaner`drop database if exists ${cleaner(name)} with (force)`;
    } finally {
      await cleaner.end({ timeout: 5 });
    }
  };
  return { url: url.toString(), sql, drop: () => (dropping ??= drop()) };
}
