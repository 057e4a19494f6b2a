import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Sql } from '../../src/db/connect.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// postgres.js asks the catalog for the array types on every new connection and drops that
// query's promise: a connection lost during it (a database restart) left an unhandled rejection
// (porsager/postgres#1192, #1223; the restarts test met it on a busy CI run). The pool learns the
// types once. Here a proxy in front of Postgres counts the catalog queries and cuts the
// connection of the second, the way a restart would.
const TYPES_QUERY = 'from pg_catalog.pg_type a';

let db: TestDatabase;
let proxy: net.Server;
let typeFetches = 0;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  const target = new URL(db.url);
  proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => {
      if (chunk.includes(TYPES_QUERY) && ++typeFetches === 2) {
        client.destroy();
        server.destroy();
        return;
      }
      server.write(chunk);
    });
    server.pipe(client);
    client.on('close', () => server.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy?.close(resolve));
  await db?.drop();
});

describe('the pool’s array types', () => {
  it('are learnt by the first connection only: later connections and reconnections never ask, arrays still read and write, and no promise is dropped', async () => {
    const url = new URL(db.url);
    url.port = String((proxy.address() as net.AddressInfo).port);
    const strays: unknown[] = [];
    const onStray = (err: unknown) => void strays.push(err);
    process.on('unhandledRejection', onStray);
    const sql: Sql = connectDatabase(url.toString(), { max: 3 });
    try {
      const roundTrip = async () => (await sql<{ xs: string[] }[]>`SELECT ${['a', 'b']}::text[] AS xs`)[0]!.xs;
      expect(await roundTrip()).toEqual(['a', 'b']);
      expect(typeFetches).toBe(1);

      // Three at once: the pool opens its other two connections.
      await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`));
      // Every backend ends (as in a restart); the pool reconnects.
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 100)); // for the pool to see its connections closed
      await expect(sql`SELECT 1`).resolves.toBeDefined();
      const ids = await sql<{ ids: string[] }[]>`SELECT array_agg(x::bigint) AS ids FROM generate_series(1, 3) x`;
      expect(ids[0]!.ids).toEqual(['1', '2', '3']);
      expect(await roundTrip()).toEqual(['a', 'b']);
      await new Promise((r) => setTimeout(r, 50));
      expect(typeFetches).toBe(1);
      expect(strays).toEqual([]);
    } finally {
      process.off('unhandledRejection', onStray);
      await sql.end({ timeout: 1 });
    }
  });
});
