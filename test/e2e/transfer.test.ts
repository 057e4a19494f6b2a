import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

const SALES = 'CSALES001';
let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
  h.slack.users.set('UAGENT03', { name: 'rita', real_name: 'Rita Reis', display_name: 'Rita' });
});
afterAll(async () => h?.close());

const bodiesTo = (wa: string) => h.textsSentTo(wa);
const cardsIn = (channel: string) => [...h.slack.messages.values()].filter((m) => m.channel === channel && !m.thread_ts);
const ticketOf = async (phone: string) => {
  const [row] = await h.db.sql<{ status: string; assignee: string | null; department: string }[]>`
    SELECT t.status, a.display_name AS assignee, d.name AS department FROM tickets t
    JOIN contacts c ON c.id = t.contact_id JOIN departments d ON d.id = t.department_id
    LEFT JOIN agents a ON a.id = t.assignee_id WHERE c.external_id = ${phone} ORDER BY t.id DESC LIMIT 1`;
  return row!;
};

describe('departments', () => {
  it('admins add them with a channel; everyone can list them; others are refused', async () => {
    expect(await h.slashCommand(`department add Vendas <#${SALES}|vendas>`, 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand(`department add Vendas <#${SALES}|vendas>`)).toBe(`Department *Vendas* now gets its tickets in <#${SALES}>.`);
    expect(await h.slashCommand('department add Financeiro #financeiro')).toMatch(/autocomplete/);
    const list = await h.slashCommand('department list', 'UAGENT01');
    expect(list).toMatch(/General\* \(default\)/);
    expect(list).toContain(`*Vendas* → <#${SALES}>`);
    expect(await h.slashCommand('department remove General')).toMatch(/default department cannot be removed/);
  });

  it('removes a department that has agents but no tickets: their membership goes with it', async () => {
    expect(await h.slashCommand('department add Brindes <#C0BRINDES|brindes>')).toMatch(/Brindes/);
    expect(await h.slashCommand('agent add <@UAGENT02|joao> Brindes')).toMatch(/Brindes/);
    expect(await h.slashCommand('department remove Brindes')).toBe('Department *Brindes* removed.');
    expect(await h.slashCommand('department list')).not.toContain('Brindes');
    const [left] = await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM agent_departments`;
    expect(left?.n).toBe(0);
  });
});

describe('!transfer to a department', () => {
  it('moves the ticket to a new thread in the department’s channel, linked both ways, and the customer follows', async () => {
    await h.slashCommand('message transfer Você foi encaminhado para {department}, {name}. Em breve alguém te responde.');
    const oldTs = await h.customerWrites('5511977770001', 'Sara', 'quero um desconto');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Sara, um momento', threadTs: oldTs });
    await eventually('Maria’s reply', () => bodiesTo('5511977770001').length === 1);

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: `!transfer <#${SALES}|vendas> cliente quer desconto`, threadTs: oldTs });
    const left = await eventually('the notice in the old thread', () => h.thread(oldTs).find((t) => t.startsWith('Transferred to *Vendas*')));
    expect(left).toContain('by Maria: “cliente quer desconto”');
    const newCard = await eventually('a card in the Vendas channel', () => cardsIn(SALES).find((m) => String(m.text).includes('Sara')));
    await eventually('the notice in the new thread', () => h.thread(newCard.ts).find((t) => t.startsWith('Transferred here from *General* by Maria')));
    expect(await ticketOf('5511977770001')).toEqual({ status: 'pending', assignee: null, department: 'Vendas' });
    await eventually('the transfer message', () => bodiesTo('5511977770001').length === 2);
    expect(bodiesTo('5511977770001')[1]).toBe('Você foi encaminhado para Vendas, Sara. Em breve alguém te responde.');

    // The customer's next message follows the ticket to its new thread.
    await h.postMetaText('5511977770001', 'Sara', 'ainda estou aqui');
    await eventually('the message in the new thread', () => h.thread(newCard.ts).includes('ainda estou aqui'));
    expect(h.thread(oldTs)).not.toContain('ainda estou aqui');

    // Replies there carry the new agent's signature and accept the ticket for them.
    await h.agentSays({ channel: SALES, user: 'UAGENT02', text: 'Olá Sara, posso dar 10%.', threadTs: newCard.ts });
    await eventually('João’s reply', () => bodiesTo('5511977770001').includes('*João:*\nOlá Sara, posso dar 10%.'));
    expect(await ticketOf('5511977770001')).toEqual({ status: 'open', assignee: 'João', department: 'Vendas' });
  });

  it('refuses unknown departments and the one the ticket is already in, in words', async () => {
    const ts = await h.customerWrites('5511977770002', 'Teo', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!transfer <#CNOWHERE1|random>', threadTs: ts });
    await eventually('unknown', () => h.thread(ts).find((t) => t.startsWith('No department gets its tickets in that channel')));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!transfer general', threadTs: ts });
    await eventually('same', () => h.thread(ts).find((t) => t === 'Nothing changed: this ticket is already in *General*.'));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!transfer', threadTs: ts });
    await eventually('usage', () => h.thread(ts).find((t) => t.startsWith('Usage: `!transfer')));
    expect((await ticketOf('5511977770002')).department).toBe('General');
  });
});

describe('!transfer to a person', () => {
  it('gives a ticket to someone Ponte has not seen yet, showing their name on the card', async () => {
    const ts = await h.customerWrites('5511977770003', 'Ugo', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!accept', threadTs: ts });
    await eventually('accepted', async () => (await ticketOf('5511977770003')).assignee === 'Maria');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!transfer <@UAGENT03> ela entende de boletos', threadTs: ts });
    await eventually('the notice', () => h.thread(ts).find((t) => t === 'Maria transferred this ticket to Rita.'));
    await eventually('the card with Rita', () => h.slack.callsTo('chat.update').find((u) => u.params.ts === ts && JSON.stringify(u.params.blocks).includes('Rita')));
    expect(await ticketOf('5511977770003')).toMatchObject({ status: 'open', assignee: 'Rita' });
  });

  it('asks for confirm before taking a ticket from the person who holds it', async () => {
    const ts = await h.customerWrites('5511977770004', 'Vivi', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!accept', threadTs: ts });
    await eventually('accepted', async () => (await ticketOf('5511977770004')).assignee === 'Maria');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!transfer <@UAGENT02>', threadTs: ts });
    await eventually('the question', () => h.thread(ts).find((t) => t.startsWith('This ticket is Maria’s. To give it to João anyway')));
    expect((await ticketOf('5511977770004')).assignee).toBe('Maria');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!transfer <@UAGENT02> confirm', threadTs: ts });
    await eventually('João has it', async () => (await ticketOf('5511977770004')).assignee === 'João');
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});

describe('the card’s Transfer button', () => {
  const pressTransfer = (ticketId: string, cardTs: string, triggerId: string) =>
    h.postSlack(
      new URLSearchParams({ payload: JSON.stringify({
        type: 'block_actions', user: { id: 'UAGENT01' }, trigger_id: triggerId, team: { id: 'T0001' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: cardTs },
        actions: [{ action_id: 'ticket.transfer', value: ticketId, type: 'button', action_ts: `${Date.now() / 1000}` }],
      }) }).toString(),
      'application/x-www-form-urlencoded',
    );
  const submit = (ticketId: string, values: Record<string, unknown>, viewId: string) =>
    h.postSlack(
      new URLSearchParams({ payload: JSON.stringify({
        type: 'view_submission', user: { id: 'UAGENT01' }, team: { id: 'T0001' },
        view: { id: viewId, callback_id: 'ponte.transfer', private_metadata: ticketId, state: { values } },
      }) }).toString(),
      'application/x-www-form-urlencoded',
    );
  const idOf = async (phone: string) =>
    (await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${phone} ORDER BY t.id DESC LIMIT 1`)[0]!.id;

  it('opens a modal at once, with the departments to choose from', async () => {
    const ts = await h.customerWrites('5511977770010', 'Wilma', 'oi');
    const res = await pressTransfer(await idOf('5511977770010'), ts, '111.222.modal');
    expect(res.statusCode).toBe(200);
    const open = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === '111.222.modal');
    expect(open).toBeDefined(); // synchronously, before the ack: a trigger_id lives 3 seconds
    const view = JSON.stringify(open!.params.view);
    expect(view).toContain('"callback_id":"ponte.transfer"');
    expect(view).toContain('users_select');
    expect(view).toContain('Vendas');
  });

  it('refuses a submission with neither or both choices, in the modal', async () => {
    const id = await idOf('5511977770010');
    const none = await submit(id, { reason: { value: { value: 'x' } } }, 'V1');
    expect(JSON.parse(none.body)).toEqual({ response_action: 'errors', errors: { agent: 'Choose a person or a department (one of them).' } });
    const [vendas] = await h.db.sql<{ id: string }[]>`SELECT id FROM departments WHERE name = 'Vendas'`;
    const both = await submit(id, { agent: { value: { selected_user: 'UAGENT02' } }, department: { value: { selected_option: { value: vendas!.id } } } }, 'V2');
    expect(JSON.parse(both.body).response_action).toBe('errors');
  });

  it('transfers to the chosen department, with the reason, or to the chosen person', async () => {
    const id = await idOf('5511977770010');
    const [vendas] = await h.db.sql<{ id: string }[]>`SELECT id FROM departments WHERE name = 'Vendas'`;
    const res = await submit(id, { department: { value: { selected_option: { value: vendas!.id } } }, reason: { value: { value: 'quer orçamento' } } }, 'V3');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(''); // an empty 200 closes the modal
    await eventually('in Vendas', async () => (await ticketOf('5511977770010')).department === 'Vendas');
    await eventually('the reason in the new thread', () => [...h.slack.messages.values()].some((m) => String(m.text).includes('“quer orçamento”')));

    const ts = await h.customerWrites('5511977770011', 'Xavier', 'oi');
    expect(ts).toBeTruthy();
    await submit(await idOf('5511977770011'), { agent: { value: { selected_user: 'UAGENT03' } } }, 'V4');
    await eventually('Rita has it', async () => (await ticketOf('5511977770011')).assignee === 'Rita');
  });
});
