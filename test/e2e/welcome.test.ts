import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand('message greeting Olá {name}! Recebemos sua mensagem. Protocolo {protocol}.');
  await h.slashCommand('message away Estamos fora do horário, {name}. Respondemos assim que abrirmos.');
});
afterAll(async () => h?.close());

const bodiesTo = (to: string) =>
  h.graph.sends().filter((c) => (c.body as { to?: string }).to === to).map((c) => (c.body as { text: { body: string } }).text.body);
const settle = async () => {
  await h.ponte.sweep();
  await new Promise((r) => setTimeout(r, 300));
};
/** A one-minute window twelve hours from now, in UTC: whatever the clock says, it is closed now. */
const closedWindow = () => {
  const hh = (new Date().getUTCHours() + 12) % 24;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `mon-sun ${pad(hh)}:00-${pad(hh)}:01 UTC`;
};

describe('greeting and away messages', () => {
  it('greets a new ticket once, with its protocol', async () => {
    await h.customerWrites('5511955550101', 'Ana', 'oi');
    await eventually('the greeting', () => bodiesTo('5511955550101').length === 1);
    const [t] = await h.db.sql<{ protocol: string }[]>`SELECT t.protocol FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511955550101'`;
    expect(bodiesTo('5511955550101')).toEqual([`Olá Ana! Recebemos sua mensagem. Protocolo ${t!.protocol}.`]);
    await h.postMetaText('5511955550101', 'Ana', 'tem alguém?');
    await settle();
    expect(bodiesTo('5511955550101')).toHaveLength(1); // not on every message
  });

  it('sends the away message instead outside business hours, and the greeting again when open', async () => {
    expect(await h.slashCommand(`hours ${closedWindow()}`, 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand(`hours ${closedWindow()}`)).toMatch(/^Business hours: sun,mon,tue,wed,thu,fri,sat \d\d:00-\d\d:01 \(UTC\)\./);
    expect(await h.slashCommand('hours', 'UAGENT01')).toMatch(/^Business hours: /);
    await h.customerWrites('5511955550102', 'Beto', 'oi, de madrugada');
    await eventually('the away message', () => bodiesTo('5511955550102').length === 1);
    expect(bodiesTo('5511955550102')).toEqual(['Estamos fora do horário, Beto. Respondemos assim que abrirmos.']);

    expect(await h.slashCommand('hours mon-sun 00:00-24:00 America/Sao_Paulo')).toMatch(/America\/Sao_Paulo/);
    await h.customerWrites('5511955550103', 'Cida', 'oi');
    await eventually('the greeting', () => bodiesTo('5511955550103').length === 1);
    expect(bodiesTo('5511955550103')[0]).toMatch(/^Olá Cida!/);
  });

  it('explains bad hours and clears them', async () => {
    expect(await h.slashCommand('hours someday 9-5')).toMatch(/^Usage: `\/ponte hours/);
    expect(await h.slashCommand('hours mon-fri 09:00-18:00 Mars/Olympus')).toMatch(/time zone is not one I know/);
    expect(await h.slashCommand('hours off')).toMatch(/every hour as open/);
    expect(await h.slashCommand('hours')).toMatch(/No business hours set/);
  });

  it('sends nothing when neither message is set', async () => {
    await h.slashCommand('message greeting off');
    await h.customerWrites('5511955550104', 'Duda', 'oi');
    await settle();
    expect(bodiesTo('5511955550104')).toEqual([]);
  });
});
