// `node --import tsx bench/timer-statements.ts`: the SQL of one firing of a scheduled resolve
// and of one scheduled message (the transactions of fireScheduledClose and fireScheduledMessage,
// as closeJob / scheduledMessageJob run them), captured with postgres.js's debug hook on rows
// seeded as the timers bench seeds them. Prints each statement once, with how often it ran, so
// the cost of a firing can be read statement by statement (docs/performance.md, "Timers at scale").
// The sends the firing queues (outbox rows) are then the dispatch queue's work, not shown here.
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { migrate } from '../src/db/migrate.js';
import { fireScheduledClose } from '../src/timers/scheduled-close.js';
import { fireScheduledMessage } from '../src/timers/scheduled-messages.js';
import { whatsappCapabilities } from '../channels/whatsapp/capabilities.js';
import { startServices } from './services.js';
import { seedTimers } from './timers-seed.js';
import { CHANNEL, PHONE_ID } from './ponte.js';
import { SLACK_AGENT } from './pass.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const services = await startServices({ fast: true, root: ROOT });
const captured: string[] = [];
let capturing = false;
const sql = postgres(services.databaseUrl, { max: 1, onnotice: () => {}, debug: (_c, query) => void (capturing && captured.push(query.replace(/\s+/g, ' ').trim())) });
try {
  await migrate(sql);
  await seedTimers(sql, { n: 4, phoneId: PHONE_ID, channel: CHANNEL, agent: SLACK_AGENT });
  await sql`UPDATE tickets SET scheduled_close_at = now() - interval '1 second' WHERE scheduled_close_at IS NOT NULL`;
  await sql`UPDATE scheduled_messages SET send_at = now() - interval '1 second'`;
  const [message] = await sql<{ id: string }[]>`SELECT id FROM scheduled_messages WHERE ticket_id = 1`;
  const o = { locale: 'en' as const, capabilitiesOf: () => whatsappCapabilities };
  const firings: [string, () => Promise<string[]>][] = [
    ['scheduled resolve (ticket 2, silent)', () => sql.begin((tx) => fireScheduledClose(tx, '2', o))],
    ['scheduled message (ticket 1, in its thread)', () => sql.begin((tx) => fireScheduledMessage(tx, message!.id, o))],
  ];
  for (const [name, fire] of firings) {
    captured.length = 0;
    capturing = true;
    const lanes = await fire();
    capturing = false;
    const counts = new Map<string, number>();
    for (const q of captured) counts.set(q, (counts.get(q) ?? 0) + 1);
    console.log(`\n${name}: ${captured.length} statements (BEGIN/COMMIT included), lanes woken: ${lanes.join(', ')}`);
    for (const [q, n] of counts) console.log(`  ${n > 1 ? `${n}× ` : ''}${q.length > 220 ? `${q.slice(0, 220)}…` : q}`);
  }
} finally {
  await sql.end({ timeout: 5 });
  await services.stop();
}
