import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  await h.slashCommand('message greeting Olá {name}! Recebemos sua mensagem. Protocolo {protocol}.');
  await h.slashCommand('message away Estamos fora do horário, {name}. Respondemos assim que abrirmos.');
});
afterAll(async () => h?.close());

const bodiesTo = (wa: string) => h.textsSentTo(wa);
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

describe('default texts and the farewell chain', () => {
  const say = (ts: string, text: string, user = 'UAGENT01') => h.agentSays({ channel: 'CSUPPORT1', user, text, threadTs: ts });

  it('sets Ponte’s own text for a message in the workspace language', async () => {
    expect(await h.slashCommand('message farewell default')).toMatch(/farewell message is now:\n>Thank you for getting in touch, \{name\}!/);
    const wa = '5511955550110';
    const ts = await h.customerWrites(wa, 'Zuza', 'valeu');
    await say(ts, '!resolve');
    await eventually('the default farewell', () => bodiesTo(wa).some((b) => b.startsWith('Thank you for getting in touch, Zuza! This conversation is closed (protocol ')));
  });

  it('uses the agent’s own farewell over the workspace’s, and a typed one over both', async () => {
    expect(await h.slashCommand('farewell Até a próxima, {name}! — {agent}', 'UAGENT02')).toMatch(/customers now get/);
    const a = '5511955550111';
    const tsA = await h.customerWrites(a, 'Ana B', 'ok');
    await say(tsA, '!resolve', 'UAGENT02');
    await eventually('João’s own farewell', () => bodiesTo(a).includes('Até a próxima, Ana B! — João'));

    const b = '5511955550112';
    const tsB = await h.customerWrites(b, 'Bel', 'ok');
    const [t] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${b}`;
    await h.postSlack(new URLSearchParams({ payload: JSON.stringify({
      type: 'view_submission', user: { id: 'UAGENT02' }, team: { id: 'T0001' },
      view: { id: 'VF1', callback_id: 'ponte.ticket_actions.view', private_metadata: t!.id, state: { values: {
        action: { value: { selected_option: { value: 'resolve' } } },
        farewell: { value: { value: 'Resolvido por aqui, {name}. Qualquer coisa, chama!' } },
      } } },
    }) }).toString(), 'application/x-www-form-urlencoded');
    await eventually('the typed farewell', () => bodiesTo(b).includes('Resolvido por aqui, Bel. Qualquer coisa, chama!'));
    expect(tsB).toBeTruthy();
    expect(await h.slashCommand('farewell off', 'UAGENT02')).toMatch(/workspace farewell/);
  });
});
