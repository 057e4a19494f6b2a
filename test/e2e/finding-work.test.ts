import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

const SALES = 'CSALES002';
let h: Harness;
let carla: string;
let protocolOf: (phone: string) => Promise<string>;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand(`department add Vendas <#${SALES}|vendas>`);
  protocolOf = async (phone) =>
    (await h.db.sql<{ protocol: string }[]>`SELECT t.protocol FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} ORDER BY t.id DESC LIMIT 1`)[0]!.protocol;
  carla = await h.customerWrites('5511988880001', 'Carla Dias', 'oi');
  await h.customerWrites('5511988880002', 'Bruno Lima', 'olá');
  const dani = await h.customerWrites('5511988880003', 'Daniela Souza', 'bom dia');
  await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Carla!', threadTs: carla });
  await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: `!transfer <#${SALES}|vendas>`, threadTs: dani });
  await eventually('settled', async () => {
    const rows = await h.db.sql`SELECT 1 FROM inbound_events WHERE state = 'pending'`;
    return rows.length === 0 && h.slack.callsTo('chat.postMessage').some((c) => c.params.channel === SALES);
  });
});
afterAll(async () => h?.close());

describe('/ponte tickets', () => {
  it('lists the waiting queue by default, each ticket linked to its thread', async () => {
    const out = await h.slashCommand('tickets', 'UAGENT02');
    expect(out).toMatch(/^\*Tickets\* \(2\):/);
    expect(out).toContain('Bruno Lima');
    expect(out).toContain('Daniela Souza');
    expect(out).not.toContain('Carla Dias'); // open, not waiting
    const protocol = await protocolOf('5511988880002');
    expect(out).toMatch(new RegExp(`<https://ponte-test\\.slack\\.com/archives/${CHANNEL}/p\\d+\\|${protocol}>`));
    expect(out).toContain('•••• 0002');
    expect(out).not.toContain('5511988880002');
  });

  it('mine shows the asking agent’s open tickets', async () => {
    expect(await h.slashCommand('tickets mine', 'UAGENT01')).toMatch(/\(1\):[\s\S]*Carla Dias \(•••• 0001\) · Open · General · Maria$/);
    expect(await h.slashCommand('tickets mine', 'UAGENT02')).toBe('No tickets match.');
  });

  it('filters by department (channel or name), by agent, and sorts oldest first', async () => {
    const byChannel = await h.slashCommand(`tickets pending <#${SALES}|vendas>`, 'UAGENT02');
    expect(byChannel).toContain('Daniela Souza');
    expect(byChannel).not.toContain('Bruno Lima');
    expect(await h.slashCommand('tickets pending vendas', 'UAGENT02')).toBe(byChannel);
    expect(await h.slashCommand('tickets <@UAGENT01>', 'UAGENT02')).toContain('Carla Dias');
    const oldest = await h.slashCommand('tickets all oldest', 'UAGENT02');
    expect(oldest.indexOf('Carla Dias')).toBeLessThan(oldest.indexOf('Bruno Lima'));
    expect(oldest.indexOf('Bruno Lima')).toBeLessThan(oldest.indexOf('Daniela Souza'));
    expect(await h.slashCommand('tickets frobnicate', 'UAGENT02')).toMatch(/not a filter I know/);
  });
});

describe('/ponte search', () => {
  it('finds a ticket by part of a name, by phone digits and by protocol', async () => {
    expect(await h.slashCommand('search carla', 'UAGENT02')).toMatch(/Carla Dias \(•••• 0001\) · Open/);
    expect(await h.slashCommand('search +55 (11) 98888-0002', 'UAGENT02')).toMatch(/Bruno Lima/);
    const protocol = await protocolOf('5511988880003');
    const byProtocol = await h.slashCommand(`search ${protocol}`, 'UAGENT02');
    expect(byProtocol).toMatch(/\(1\):/);
    expect(byProtocol).toContain(`<https://ponte-test.slack.com/archives/${SALES}/`);
    expect(await h.slashCommand('search zzzz', 'UAGENT02')).toBe('No ticket matches “zzzz”.');
    expect(await h.slashCommand('search %', 'UAGENT02')).toMatch(/Usage/);
    expect(await h.slashCommand('search 100%', 'UAGENT02')).toBe('No ticket matches “100%”.');
    expect(carla).toBeTruthy();
  });
});
