// Which channel's allowance a ticket's post is paced against: where the post lands. Between
// threads (a new ticket, a transfer to a department with a place of its own), that is where its
// card will open — the department's channel — not the connection's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AgentBridge, CustomerChannel, PacedPost } from '../../src/core/ports.js';
import { insertInboundMessage, insertMessage } from '../../src/messages/repository.js';
import { UNPACED } from '../../src/core/pacer.js';
import { paceWait } from '../../src/pipeline/pacing.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { saveDepartment } from '../../src/departments/repository.js';
import { upsertContactOnInbound } from '../../src/contacts/repository.js';
import { openTicket } from '../../src/tickets/repository.js';
import { migrate } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'));
  await migrate(db.sql);
});
afterAll(async () => db?.drop());

/** A bridge that only answers which allowance a destination has, noting each one asked. */
function bridgeAsked(asked: string[], what: PacedPost[] = []): AgentBridge {
  return {
    postAllowance: (destination: string, kind: PacedPost) => (asked.push(destination), what.push(kind), { bucket: `ch:${destination}`, perSecond: 1, burst: 1 }),
  } as unknown as AgentBridge;
}


/** A ticket of a new WhatsApp customer on a new connection (its department: `departmentId`, else the default one). */
async function ticketOn(conn: { accountId: string; platform: 'slack' | 'discord'; destination: string }, phone: string, departmentId?: string) {
  const { connection } = await upsertConnection(db.sql, { channel: 'whatsapp', ...conn, createdBy: 'test' });
  const [dflt] = await db.sql<{ id: string }[]>`SELECT id FROM departments ORDER BY id LIMIT 1`;
  const contact = await upsertContactOnInbound(db.sql, 'whatsapp', { externalId: phone, phone }, new Date().toISOString());
  return (await openTicket(db.sql, { contactId: contact.id, connectionId: connection.id, departmentId: departmentId ?? dflt!.id })).ticket;
}

describe('paceWait: the place a post is paced against', () => {
  it('a ticket between threads in a department with its own channel is paced against that channel', async () => {
    const dept = await saveDepartment(db.sql, 'slack', 'Vendas', 'CVENDAS');
    const ticket = await ticketOn({ accountId: '9100001', platform: 'slack', destination: 'CCONNECTION' }, '5511900009999', dept.id);
    const asked: string[] = [];
    const row = { lane: `t${ticket.id}-agent`, kind: 'thread.open' as const, created_at: new Date() };
    await paceWait({ sql: db.sql, bridges: new Map([['slack', bridgeAsked(asked)]]), pacer: UNPACED }, row);
    expect(asked).toEqual(['CVENDAS']);
  });

  it('a post in a thread the row names (the notice a transfer leaves behind) is paced against that thread’s channel', async () => {
    const ticket = await ticketOn({ accountId: '9100002', platform: 'slack', destination: 'CCONNECTION2' }, '5511900008888');
    const asked: string[] = [];
    const row = { lane: `t${ticket.id}-agent`, kind: 'thread.post' as const, created_at: new Date(), payload: { thread: { containerId: 'COLDTHREAD', threadId: '1.1', platform: 'slack' } } };
    await paceWait({ sql: db.sql, bridges: new Map([['slack', bridgeAsked(asked)]]), pacer: UNPACED }, row);
    expect(asked).toEqual(['COLDTHREAD']);
  });

  it('tells the bridge what each post is: the card that opens a thread, a customer’s line or file, Ponte’s own line', async () => {
    const ticket = await ticketOn({ accountId: '9100003', platform: 'discord', destination: 'FORUM3' }, '5511900007777');
    const lane = `t${ticket.id}-agent`;
    const theirs = await insertInboundMessage(db.sql, { ticketId: ticket.id, body: 'oi', kind: 'text', occurredAt: new Date().toISOString(), platform: 'whatsapp', externalId: 'wamid.paced-1', postLane: null });
    const ours = await insertMessage(db.sql, { ticketId: ticket.id, direction: 'system', body: 'Ana accepted the ticket' });
    const asked: string[] = [];
    const what: PacedPost[] = [];
    const deps = { sql: db.sql, bridges: new Map([['discord', bridgeAsked(asked, what)]]), pacer: UNPACED };
    const rows = [
      { lane, kind: 'thread.open' as const, created_at: new Date(), payload: { ticketId: ticket.id } },
      { lane, kind: 'thread.post' as const, created_at: new Date(), payload: { messageId: theirs } },
      { lane, kind: 'media.mirror' as const, created_at: new Date(), payload: { messageId: theirs, index: 0 } },
      { lane, kind: 'thread.post' as const, created_at: new Date(), payload: { messageId: ours } },
      { lane, kind: 'ticket.transcript' as const, created_at: new Date(), payload: { ticketId: ticket.id } },
    ];
    for (const row of rows) await paceWait(deps, row);
    expect(what).toEqual(['card', 'customer', 'customer', 'notice', 'notice']);
    expect(asked).toEqual(['FORUM3', 'FORUM3', 'FORUM3', 'FORUM3', 'FORUM3']);
  });

  it('a customer send is paced by its account’s allowance, as its channel declares it; other customer-lane rows are not', async () => {
    const ticket = await ticketOn({ accountId: '9100004', platform: 'slack', destination: 'CCONNECTION4' }, '5511900006666');
    const accounts: string[] = [];
    const whatsapp = { sendAllowance: (accountId: string) => (accounts.push(accountId), { bucket: `wa:${accountId}`, perSecond: 1, burst: 1 }) } as unknown as CustomerChannel;
    const deps = { sql: db.sql, bridges: new Map(), channels: new Map([['whatsapp' as const, whatsapp]]), pacer: UNPACED };
    const lane = `t${ticket.id}-customer`;
    for (const kind of ['customer.send', 'customer.media', 'customer.template', 'customer.read', 'customer.react'] as const) {
      await paceWait(deps, { lane, kind, created_at: new Date(), payload: { messageId: '1' } });
    }
    expect(accounts).toEqual(['9100004', '9100004', '9100004']);
  });
});
