// Where a department's tickets appear, per agent platform: the migration that moved the places
// out of departments' own columns, the repository that reads them, and the ticket card that
// follows them. Real Postgres, fresh database.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { destinationOf, findDepartmentByChannel, findDepartmentByName, listDepartments, saveDepartment } from '../../src/departments/repository.js';
import { loadCard } from '../../src/tickets/card.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;

/** Runs the migrations before the one that introduced destinations, so old rows can be written. */
async function migrateBefore(prefix: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ponte-migrations-'));
  try {
    for (const f of await readdir(MIGRATIONS_DIR)) if (f < prefix) await copyFile(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    await migrate(db.sql, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrateBefore('0013');
  await db.sql`INSERT INTO departments (name, slack_channel, discord_channel) VALUES
    ('Vendas', 'C0VENDAS01', '900000000000000001'), ('Suporte', 'C0SUPORTE1', NULL), ('Financeiro', NULL, NULL)`;
  await migrate(db.sql);
});
afterAll(async () => db?.drop());

describe('the migration to department_destinations', () => {
  it('keeps every department’s Slack and Discord channel, and drops the old columns', async () => {
    const byName = Object.fromEntries((await listDepartments(db.sql)).map((d) => [d.name, d.destinations]));
    expect(byName).toEqual({
      General: {},
      Vendas: { slack: 'C0VENDAS01', discord: '900000000000000001' },
      Suporte: { slack: 'C0SUPORTE1' },
      Financeiro: {},
    });
    const cols = await db.sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'departments' AND column_name LIKE '%channel'`;
    expect(cols).toHaveLength(0);
  });
});

describe('the departments repository', () => {
  it('finds a department by its channel on that platform only', async () => {
    expect((await findDepartmentByChannel(db.sql, 'slack', 'C0VENDAS01'))?.name).toBe('Vendas');
    expect((await findDepartmentByChannel(db.sql, 'discord', '900000000000000001'))?.name).toBe('Vendas');
    expect(await findDepartmentByChannel(db.sql, 'discord', 'C0VENDAS01')).toBeUndefined();
  });

  it('points a department at a channel on one platform and leaves its other platform alone', async () => {
    const saved = await saveDepartment(db.sql, 'discord', 'suporte', '900000000000000002');
    expect(saved).toMatchObject({ name: 'Suporte', destinations: { slack: 'C0SUPORTE1', discord: '900000000000000002' } });
    await saveDepartment(db.sql, 'slack', 'Suporte', 'C0SUPORTE2');
    expect(await destinationOf(db.sql, saved.id, 'slack')).toBe('C0SUPORTE2');
    expect(await destinationOf(db.sql, saved.id, 'discord')).toBe('900000000000000002');
    expect(await findDepartmentByChannel(db.sql, 'slack', 'C0SUPORTE1')).toBeUndefined();
  });

  it('creates a department with its first place', async () => {
    const made = await saveDepartment(db.sql, 'slack', 'Logística', 'C0LOGIST01');
    expect(made).toMatchObject({ name: 'Logística', is_default: false, destinations: { slack: 'C0LOGIST01' } });
    expect((await findDepartmentByName(db.sql, 'logística'))?.id).toBe(made.id);
  });

  it('lets two departments share a channel, as before; the older one answers for it', async () => {
    await saveDepartment(db.sql, 'slack', 'Vendas Noite', 'C0VENDAS01');
    expect((await findDepartmentByChannel(db.sql, 'slack', 'C0VENDAS01'))?.name).toBe('Vendas');
  });
});

describe('the ticket card’s destination', () => {
  it('is the department’s channel on the connection’s platform, else the connection’s own destination', async () => {
    const vendas = (await findDepartmentByName(db.sql, 'Vendas'))!;
    const financeiro = (await findDepartmentByName(db.sql, 'Financeiro'))!;
    const [contact] = await db.sql<{ id: string }[]>`INSERT INTO contacts (channel, external_id) VALUES ('whatsapp', '5511900000001') RETURNING id`;
    const ticketOn = async (platform: string, destination: string, departmentId: string): Promise<string> => {
      const [conn] = await db.sql<{ id: string }[]>`
        INSERT INTO connections (channel, account_id, department_id, agent_platform, agent_destination)
        VALUES ('whatsapp', ${`acct-${platform}-${departmentId}`}, ${departmentId}, ${platform}, ${destination}) RETURNING id`;
      const [ticket] = await db.sql<{ id: string }[]>`
        INSERT INTO tickets (protocol, contact_id, connection_id, department_id)
        VALUES (${`P-${platform}-${departmentId}`}, ${contact!.id}, ${conn!.id}, ${departmentId}) RETURNING id`;
      return ticket!.id;
    };
    expect((await loadCard(db.sql, await ticketOn('slack', 'C0GERAL001', vendas.id), 'en')).destination).toBe('C0VENDAS01');
    expect((await loadCard(db.sql, await ticketOn('discord', '900000000000000009', vendas.id), 'en')).destination).toBe('900000000000000001');
    expect((await loadCard(db.sql, await ticketOn('slack', 'C0GERAL001', financeiro.id), 'en')).destination).toBe('C0GERAL001');
  });
});
