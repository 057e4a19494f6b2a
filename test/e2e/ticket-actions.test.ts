import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, interactionBody } from '../fixtures/slack.js';
import { CHANNEL, PHONE_ID, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import type { SlackCall } from '../fakes/slack-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const bodiesTo = (wa: string) => h.textsSentTo(wa);
const cardPost = (ts: string) => [...h.slack.messages.values()].find((m) => m.ts === ts && !m.thread_ts)!;
const buttonsOf = (blocks: unknown) =>
  ((blocks as { type: string; elements?: { action_id: string; value: string; confirm?: unknown }[] }[]).find((b) => b.type === 'actions')?.elements ?? []);
const press = (action: 'accept' | 'resolve', ticketId: string, userId: string, cardTs: string) =>
  h.postSlack(interactionBody(blockActionsPayload({ actionId: `ticket.${action}`, value: ticketId, userId, channelId: CHANNEL, messageTs: cardTs })), 'application/x-www-form-urlencoded');
const updatesOf = (cardTs: string): SlackCall[] => h.slack.callsTo('chat.update').filter((c) => c.params.ts === cardTs);
const ticketOf = async (phone: string) => {
  const [row] = await h.db.sql<{ id: string; status: string; assignee: string | null }[]>`
    SELECT t.id, t.status, a.display_name AS assignee FROM tickets t JOIN contacts c ON c.id = t.contact_id
    LEFT JOIN agents a ON a.id = t.assignee_id WHERE c.external_id = ${phone} ORDER BY t.id DESC LIMIT 1`;
  return row!;
};

describe('customer messages set by admins', () => {
  it('refuses non-admins and shows, sets and clears the texts for admins', async () => {
    expect(await h.slashCommand('message accept hi', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('message')).toMatch(/accept: _off_[\s\S]*transfer: _off_[\s\S]*farewell: _off_/);
    expect(await h.slashCommand('message accept')).toMatch(/Usage/);
    expect(await h.slashCommand('message welcome hello')).toMatch(/Usage/);
    expect(await h.slashCommand('message accept Olá {name}, sou {agent} &amp; vou te atender. Protocolo {protocol}.')).toMatch(/accept message is now/);
    expect(await h.slashCommand('message farewell Obrigado, {name}! Protocolo {protocol} encerrado.')).toMatch(/farewell message is now/);
    expect(await h.slashCommand('message')).toMatch(/accept: “Olá \{name\}, sou \{agent\} &amp; vou te atender/);
  });
});

describe('the ticket card’s buttons', () => {
  it('has Accept, Transfer and Resolve (with a confirmation) while pending', async () => {
    const cardTs = await h.customerWrites('5511966660001', 'Carla', 'oi, preciso de ajuda');
    const { id } = await ticketOf('5511966660001');
    const buttons = buttonsOf(cardPost(cardTs).blocks);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([['ticket.accept', id], ['ticket.transfer', id], ['ticket.resolve', id], ['ticket.more', undefined]]);
    expect(buttons[2]!.confirm).toBeDefined();
  });

  it('Accept updates the card in place with the agent and sends the accept message signed with their name', async () => {
    const cardTs = await h.customerWrites('5511966660002', 'Dora', 'bom dia');
    const { id } = await ticketOf('5511966660002');
    expect((await press('accept', id, 'UAGENT01', cardTs)).statusCode).toBe(200);
    const update = await eventually('the card updated', () => updatesOf(cardTs).find((u) => JSON.stringify(u.params.blocks).includes('Maria')));
    expect(buttonsOf(update.params.blocks).map((b) => b.action_id)).toEqual(['ticket.transfer', 'ticket.resolve', 'ticket.more']);
    await eventually('the accept message', () => bodiesTo('5511966660002').length === 1);
    const protocol = (await h.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${id}`)[0]!.protocol;
    expect(bodiesTo('5511966660002')).toEqual([`Olá Dora, sou Maria & vou te atender. Protocolo ${protocol}.`]);
    expect(await ticketOf('5511966660002')).toMatchObject({ status: 'open', assignee: 'Maria' });
  });

  it('a second Accept by someone else changes nothing and tells only them why', async () => {
    const cardTs = await h.customerWrites('5511966660003', 'Edu', 'olá');
    const { id } = await ticketOf('5511966660003');
    await press('accept', id, 'UAGENT01', cardTs);
    await eventually('accepted by Maria', async () => (await ticketOf('5511966660003')).assignee === 'Maria');
    await press('accept', id, 'UAGENT02', cardTs);
    const refusal = await eventually('the private refusal', () => h.slack.callsTo('chat.postEphemeral').find((c) => c.params.user === 'UAGENT02'));
    expect(refusal.params).toMatchObject({ channel: CHANNEL, thread_ts: cardTs, text: 'Nothing changed: this ticket is already open by Maria.' });
    expect(await ticketOf('5511966660003')).toMatchObject({ status: 'open', assignee: 'Maria' });
    await h.ponte.sweep();
    expect(bodiesTo('5511966660003')).toHaveLength(1); // one accept message, not two
    expect(h.thread(cardTs).filter((t) => t.startsWith('Nothing changed'))).toEqual([]); // not posted for everyone
  });

  it('Resolve resolves, sends the farewell, and leaves a card without buttons', async () => {
    const cardTs = await h.customerWrites('5511966660004', 'Fabi', 'era isso');
    const { id } = await ticketOf('5511966660004');
    await press('resolve', id, 'UAGENT02', cardTs);
    await eventually('resolved', async () => (await ticketOf('5511966660004')).status === 'resolved');
    await eventually('the farewell', () => bodiesTo('5511966660004').length === 1);
    expect(bodiesTo('5511966660004')[0]).toMatch(/^Obrigado, Fabi! Protocolo \S+ encerrado\.$/);
    const last = await eventually('the final card', () => updatesOf(cardTs).find((u) => /Resolved/.test(JSON.stringify(u.params.blocks))));
    expect(buttonsOf(last.params.blocks)).toEqual([]);
  });

  it('ignores a button for a ticket id that does not exist, and refuses a malformed one', async () => {
    const cardTs = await h.customerWrites('5511966660005', 'Gui', 'teste');
    expect((await press('accept', '999999999', 'UAGENT01', cardTs)).statusCode).toBe(200);
    const bad = blockActionsPayload({ actionId: 'ticket.accept', value: 'DROP TABLE', userId: 'UAGENT01', channelId: CHANNEL, messageTs: cardTs });
    expect((await h.postSlack(interactionBody(bad), 'application/x-www-form-urlencoded')).statusCode).toBe(200);
    await eventually('the unknown ticket recorded', async () => {
      const rows = await h.db.sql`SELECT 1 FROM inbound_events WHERE reason = 'unknown_ticket'`;
      return rows.length === 1;
    });
    const [rejected] = await h.db.sql<{ reason: string }[]>`SELECT reason FROM inbound_events WHERE reason LIKE 'button%'`;
    expect(rejected?.reason).toMatch(/without a ticket id/);
    expect((await ticketOf('5511966660005')).status).toBe('pending');
  });
});

describe('commands and replies send the configured messages in order', () => {
  it('a reply to a pending ticket sends the accept message first, then the signed reply', async () => {
    const cardTs = await h.customerWrites('5511966660006', 'Hugo', 'quanto custa?');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: 'Custa R$ 10.', threadTs: cardTs });
    await eventually('both messages', () => bodiesTo('5511966660006').length === 2);
    expect(bodiesTo('5511966660006')[0]).toMatch(/^Olá Hugo, sou João/);
    expect(bodiesTo('5511966660006')[1]).toBe('*João:*\nCusta R$ 10.');
  });

  it('!resolve sends the farewell; !resolve silent sends none', async () => {
    const a = await h.customerWrites('5511966660007', 'Ines', 'ok');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!resolve', threadTs: a });
    await eventually('the farewell', () => bodiesTo('5511966660007').some((b) => b.startsWith('Obrigado, Ines!')));

    const b = await h.customerWrites('5511966660008', 'Juca', 'ok');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!resolve silent', threadTs: b });
    await eventually('resolved', async () => (await ticketOf('5511966660008')).status === 'resolved');
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(bodiesTo('5511966660008')).toEqual([]);
  });

  it('sends nothing automatic once an admin turns a message off', async () => {
    expect(await h.slashCommand('message accept off')).toMatch(/accept message is off/);
    const cardTs = await h.customerWrites('5511966660009', 'Lia', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Lia!', threadTs: cardTs });
    await eventually('the reply', () => bodiesTo('5511966660009').length === 1);
    expect(bodiesTo('5511966660009')).toEqual(['*Maria:*\nOi Lia!']);
  });

  it('sends only requests that match Slack’s published API description', () => {
    expect(h.slack.specViolations).toEqual([]);
  });
});

describe('who is an admin', () => {
  it('recognises a Slack workspace admin or owner without PONTE_ADMINS, and nobody else', async () => {
    h.slack.users.set('UOWNER01', { name: 'olga', real_name: 'Olga Owner', is_owner: true });
    h.slack.users.set('UWSADM01', { name: 'wes', real_name: 'Wes Admin', is_admin: true });
    h.slack.users.set('UMEMBER1', { name: 'mel', real_name: 'Mel Member' });
    expect(await h.slashCommand('message farewell Tchau {name}', 'UOWNER01')).toMatch(/farewell message is now/);
    expect(await h.slashCommand('message farewell Até logo {name}', 'UWSADM01')).toMatch(/farewell message is now/);
    expect(await h.slashCommand('message farewell nope', 'UMEMBER1')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('message', 'UMEMBER1')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('message')).toMatch(/farewell: “Até logo \{name\}”/);
  });
});

describe('talk between agents and giving a ticket back', () => {
  it('keeps a message that opens with a teammate mention internal, marked 🔒', async () => {
    const cardTs = await h.customerWrites('5511966660010', 'Mara', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '<@UAGENT02> você cuida deste? É cliente antiga.', threadTs: cardTs, ts: '1800009000.000001' });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Mara, já te respondo', threadTs: cardTs });
    await eventually('the reply', () => bodiesTo('5511966660010').length === 1);
    expect(bodiesTo('5511966660010')).toEqual(['*Maria:*\nOi Mara, já te respondo']);
    await eventually('🔒 on the mention', () => h.slack.callsTo('reactions.add').find((c) => c.params.timestamp === '1800009000.000001' && c.params.name === 'lock'));
  });

  it('!return puts an open ticket back in the queue, with the Accept button again; on a pending one it is refused', async () => {
    const cardTs = await h.customerWrites('5511966660011', 'Nico', 'oi');
    const { id } = await ticketOf('5511966660011');
    await press('accept', id, 'UAGENT01', cardTs);
    await eventually('open', async () => (await ticketOf('5511966660011')).status === 'open');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!return', threadTs: cardTs });
    await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('Maria returned this ticket to the queue')));
    expect(await ticketOf('5511966660011')).toMatchObject({ status: 'pending', assignee: null });
    const last = await eventually('the card with Accept again', () => {
      const u = updatesOf(cardTs).at(-1);
      return u && buttonsOf(u.params.blocks).some((b) => b.action_id === 'ticket.accept') ? u : undefined;
    });
    expect(JSON.stringify(last.params.blocks)).toContain('Unassigned');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!return', threadTs: cardTs });
    await eventually('the refusal', () => h.thread(cardTs).find((t) => t === 'Nothing changed: this ticket is already pending.'));
  });
});

describe('delivery state in the thread', () => {
  it('marks the agent’s message ✔️ sent, ✅ delivered, 👀 read as WhatsApp reports them', async () => {
    const { waStatus } = await import('../fixtures/meta.js');
    const cardTs = await h.customerWrites('5511966660012', 'Otto', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Otto', threadTs: cardTs, ts: '1800009100.000001' });
    const on = (name: string) => () => h.slack.callsTo('reactions.add').find((c) => c.params.timestamp === '1800009100.000001' && c.params.name === name);
    await eventually('✔️ sent', on('heavy_check_mark'));
    const [link] = await h.db.sql<{ external_id: string }[]>`
      SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
      WHERE l.platform = 'whatsapp' AND m.body = '*Maria:*\nOi Otto'`;
    for (const status of ['delivered', 'read'] as const) {
      await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: link!.external_id, status, recipientId: '5511966660012' }));
    }
    await eventually('✅ delivered', on('white_check_mark'));
    await eventually('👀 read', on('eyes'));
    // A late duplicate 'delivered' after 'read' adds nothing.
    await h.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: link!.external_id, status: 'delivered', recipientId: '5511966660012' }));
    await h.ponte.sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsTo('reactions.add').filter((c) => c.params.timestamp === '1800009100.000001').map((c) => c.params.name)).toEqual(['heavy_check_mark', 'white_check_mark', 'eyes']);
  });
});

describe('quick replies', () => {
  it('admins add them, agents list them, and !!prices sends it signed with variables filled', async () => {
    expect(await h.slashCommand('quickreply list', 'UAGENT01')).toMatch(/No quick replies yet/);
    expect(await h.slashCommand('quickreply add prices Olá {name}! Preços: R$ 10 &amp; R$ 20.', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('quickreply add Bad!Name x')).toMatch(/cannot be a shortcut/);
    expect(await h.slashCommand('quickreply add prices Olá {name}! Preços: R$ 10 &amp; R$ 20. Protocolo {protocol}.')).toMatch(/!!prices/);
    expect(await h.slashCommand('quickreply list', 'UAGENT01')).toMatch(/`!!prices`: Olá \{name\}! Preços: R\$ 10 &amp; R\$ 20/);

    const cardTs = await h.customerWrites('5511966660013', 'Paula', 'quanto custa?');
    const { id } = await ticketOf('5511966660013');
    await h.slashCommand('message accept off');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!!prices', threadTs: cardTs });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!!PRICES e frete grátis', threadTs: cardTs });
    await eventually('both quick replies', () => bodiesTo('5511966660013').length === 2);
    const protocol = (await h.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${id}`)[0]!.protocol;
    const filled = `Olá Paula! Preços: R$ 10 & R$ 20. Protocolo ${protocol}.`;
    expect(bodiesTo('5511966660013')).toEqual([`*Maria:*\n${filled}`, `*Maria:*\n${filled}\ne frete grátis`]);
    expect((await ticketOf('5511966660013')).status).toBe('open'); // sending it accepted the ticket
  });

  it('an unknown shortcut sends nothing and says so; removing one works', async () => {
    const cardTs = await h.customerWrites('5511966660014', 'Quel', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!!nope', threadTs: cardTs });
    await eventually('the notice', () => h.thread(cardTs).find((t) => t.startsWith('There is no quick reply `!!nope`')));
    expect(await h.slashCommand('quickreply remove prices')).toMatch(/Removed/);
    expect(await h.slashCommand('quickreply remove prices')).toMatch(/There is no quick reply/);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!!prices', threadTs: cardTs });
    await eventually('the second notice', () => h.thread(cardTs).filter((t) => t.startsWith('There is no quick reply')).length === 2);
    expect(bodiesTo('5511966660014')).toEqual([]);
  });
});

describe('the card’s More menu', () => {
  const choose = (value: string, userId: string, cardTs: string) =>
    h.postSlack(
      interactionBody({
        type: 'block_actions', user: { id: userId }, trigger_id: `${Date.now()}.${Math.random()}`, team: { id: 'T0001' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: cardTs },
        actions: [{ action_id: 'ticket.more', type: 'overflow', selected_option: { value }, action_ts: `${Date.now() / 1000}` }],
      }),
      'application/x-www-form-urlencoded',
    );

  it('offers return (when open), contact, block and unblock, and each works like its command', async () => {
    const cardTs = await h.customerWrites('5511966660020', 'Rafa', 'oi');
    const { id } = await ticketOf('5511966660020');
    const pending = buttonsOf(cardPost(cardTs).blocks).find((b) => b.action_id === 'ticket.more') as unknown as { type: string; options: { value: string }[] };
    expect(pending.options.map((o) => o.value)).toEqual([`contact:${id}`, `edit_contact:${id}`, `history:${id}`, `transcript:${id}`, `phone:${id}`, `block:${id}`, `unblock:${id}`, `delete:${id}`]);
    // Block Kit's overflow holds at most five options: a longer More menu is a select.
    expect(pending.type).toBe('static_select');

    await press('accept', id, 'UAGENT01', cardTs);
    await eventually('open', async () => (await ticketOf('5511966660020')).status === 'open');
    await choose(`return:${id}`, 'UAGENT01', cardTs);
    await eventually('returned', async () => (await ticketOf('5511966660020')).status === 'pending');

    await choose(`contact:${id}`, 'UAGENT01', cardTs);
    await eventually('the contact summary', () => h.thread(cardTs).find((t) => t.startsWith('*Rafa*')));

    await choose(`block:${id}`, 'UAGENT01', cardTs);
    await eventually('blocked', () => h.thread(cardTs).find((t) => t.startsWith('Maria blocked this contact')));
    await choose(`block:${id}`, 'UAGENT02', cardTs);
    await eventually('refused privately', () => h.slack.callsTo('chat.postEphemeral').find((c) => c.params.user === 'UAGENT02' && c.params.text === 'Nothing changed: this contact is already blocked.'));
    await choose(`unblock:${id}`, 'UAGENT01', cardTs);
    await eventually('unblocked', () => h.thread(cardTs).includes('Maria unblocked this contact.'));

    const bad = await choose(`drop:${id}`, 'UAGENT01', cardTs);
    expect(bad.statusCode).toBe(200);
    await eventually('the bad option recorded', async () => (await h.db.sql`SELECT 1 FROM inbound_events WHERE reason LIKE 'More menu option drop:%'`).length === 1);
  });
});

describe('mentions in replies', () => {
  it('names a known teammate mentioned mid-reply instead of sending Slack markup', async () => {
    const cardTs = await h.customerWrites('5511966660030', 'Tais', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Oi Tais, a <@UAGENT02> vai te ajudar com o boleto', threadTs: cardTs });
    await eventually('the reply', () => bodiesTo('5511966660030').some((b) => b.includes('vai te ajudar')));
    const reply = bodiesTo('5511966660030').find((b) => b.includes('vai te ajudar'))!;
    expect(reply).toBe('*Maria:*\nOi Tais, a @João vai te ajudar com o boleto');
    expect(reply).not.toContain('<@');
  });
});

describe('the "Ticket actions" message shortcut', () => {
  const shortcut = (messageTs: string, threadTs: string | undefined, triggerId: string) =>
    h.postSlack(interactionBody({
      type: 'message_action', callback_id: 'ponte.ticket_actions', trigger_id: triggerId, user: { id: 'UAGENT01' }, team: { id: 'T0001' },
      channel: { id: CHANNEL }, message: { type: 'message', ts: messageTs, ...(threadTs ? { thread_ts: threadTs } : {}) },
    }), 'application/x-www-form-urlencoded');
  const submit = (ticketId: string, values: Record<string, unknown>, viewId: string) =>
    h.postSlack(interactionBody({
      type: 'view_submission', user: { id: 'UAGENT01' }, team: { id: 'T0001' },
      view: { id: viewId, callback_id: 'ponte.ticket_actions.view', private_metadata: ticketId, state: { values } },
    }), 'application/x-www-form-urlencoded');

  it('opens the actions form from any message of a ticket thread, and applies the chosen action with a note', async () => {
    const cardTs = await h.customerWrites('5511966660040', 'Ugo', 'oi');
    const { id } = await ticketOf('5511966660040');
    const customerMsg = [...h.slack.messages.values()].find((m) => m.thread_ts === cardTs && m.text === 'oi')!;
    await shortcut(customerMsg.ts, cardTs, '900.1.shortcut');
    const opened = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === '900.1.shortcut');
    expect((opened?.params.view as { private_metadata: string }).private_metadata).toBe(`${id}|thread:${CHANNEL}:${cardTs}`); // the form remembers where it was opened
    // The farewell field comes prefilled with what a resolve would send (the workspace's here).
    const farewellBlock = (opened!.params.view as { blocks: { block_id: string; element: { initial_value?: string } }[] }).blocks.find((b) => b.block_id === 'farewell');
    expect(farewellBlock?.element.initial_value).toBe((await h.db.sql<{ value: { text: string } }[]>`SELECT value FROM settings WHERE key = 'message.farewell'`)[0]!.value.text);

    const empty = await submit(id, {}, 'VA0');
    expect(JSON.parse(empty.body)).toEqual({ response_action: 'errors', errors: { action: 'Choose an action, add tags or write a note.' } });

    await submit(id, {
      action: { value: { selected_option: { value: 'resolve' } } },
      options: { value: { selected_options: [{ value: 'silent' }] } },
      reason: { value: { value: 'duplicado' } },
      note: { value: { value: 'cliente abriu outro ticket' } },
      tags: { value: { value: 'duplicado spam' } },
    }, 'VA1');
    await eventually('the tags', () => h.thread(cardTs).includes('Tags: `duplicado` `spam`'));
    await eventually('the note', () => h.thread(cardTs).includes('📝 Note by Maria: cliente abriu outro ticket'));
    await eventually('resolved', async () => (await ticketOf('5511966660040')).status === 'resolved');
    const [row] = await h.db.sql<{ close_reason: string }[]>`SELECT close_reason FROM tickets WHERE id = ${id}`;
    expect(row!.close_reason).toBe('duplicado');
  });

  it('schedules a resolve from the form', async () => {
    const cardTs = await h.customerWrites('5511966660041', 'Vini', 'oi');
    const { id } = await ticketOf('5511966660041');
    await submit(id, { action: { value: { selected_option: { value: 'resolve' } } }, delay: { value: { selected_option: { value: '1800000' } } } }, 'VA2');
    await eventually('scheduled', () => h.thread(cardTs).find((t) => t.startsWith('⏰ Maria scheduled this ticket to resolve')));
    expect((await ticketOf('5511966660041')).status).toBe('pending');
  });

  it('says so when used outside a ticket thread', async () => {
    await shortcut('1700000999.000100', undefined, '900.2.shortcut');
    const opened = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === '900.2.shortcut');
    expect(JSON.stringify(opened?.params.view)).toContain('This message is not in a ticket thread.');
  });
});

describe('the reply window on the card', () => {
  it('shows when the 24-hour window closes, from the customer’s last message', async () => {
    const cardTs = await h.customerWrites('5511966660050', 'Xena', 'oi');
    const card = JSON.stringify(cardPost(cardTs).blocks);
    expect(card).toContain('Reply window');
    expect(card).toContain('🟢 open until <!date^');
  });
});

describe('a customer reopening a closed window', () => {
  it('refreshes the card’s window state', async () => {
    const wa = '5511966660051';
    const cardTs = await h.customerWrites(wa, 'Yara', 'oi');
    await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '30 hours' WHERE external_id = ${wa}`;
    const before = h.slack.callsTo('chat.update').filter((u) => u.params.ts === cardTs).length;
    await h.postMetaText(wa, 'Yara', 'voltei');
    await eventually('the card refreshed', () => h.slack.callsTo('chat.update').filter((u) => u.params.ts === cardTs).length > before);
    expect(JSON.stringify(h.slack.callsTo('chat.update').filter((u) => u.params.ts === cardTs).at(-1)!.params.blocks)).toContain('🟢 open until');
  });
});

describe('the contact form', () => {
  it('opens prefilled from More, validates, and saves name, e-mail and fields', async () => {
    const wa = '5511966660060';
    const cardTs = await h.customerWrites(wa, 'perfil_zap', 'oi');
    const { id } = await ticketOf(wa);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!contact set cpf 111', threadTs: cardTs });
    await eventually('field set', () => h.thread(cardTs).includes('Contact updated.'));
    await h.postSlack(interactionBody({
      type: 'block_actions', user: { id: 'UAGENT01' }, trigger_id: '777.1.contact', team: { id: 'T0001' },
      container: { type: 'message', channel_id: CHANNEL, message_ts: cardTs },
      actions: [{ action_id: 'ticket.more', type: 'overflow', selected_option: { value: `edit_contact:${id}` }, action_ts: `${Date.now() / 1000}` }],
    }), 'application/x-www-form-urlencoded');
    const opened = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === '777.1.contact');
    expect(JSON.stringify(opened?.params.view)).toContain('"initial_value":"cpf: 111"');
    const submit = (values: Record<string, unknown>, viewId: string) => h.postSlack(interactionBody({
      type: 'view_submission', user: { id: 'UAGENT01' }, team: { id: 'T0001' },
      view: { id: viewId, callback_id: 'ponte.contact', private_metadata: id, state: { values } },
    }), 'application/x-www-form-urlencoded');
    const bad = await submit({ email: { value: { value: 'nope' } }, fields: { value: { value: 'just text' } } }, 'VC1');
    expect(JSON.parse(bad.body)).toEqual({ response_action: 'errors', errors: { email: 'That does not look like an e-mail address.' } });
    const bad2 = await submit({ fields: { value: { value: 'just text' } } }, 'VC2');
    expect(JSON.parse(bad2.body).errors.fields).toMatch(/field: value/);
    const ok = await submit({ name: { value: { value: 'Paula Reis' } }, email: { value: { value: 'paula@ex.com' } }, fields: { value: { value: 'cpf: 222\nplano: ouro' } } }, 'VC3');
    expect(ok.body).toBe('');
    await eventually('saved', async () => {
      const [c] = await h.db.sql<{ name: string; email: string; custom_fields: Record<string, string> }[]>`SELECT name, email, custom_fields FROM contacts WHERE external_id = ${wa}`;
      return c?.email === 'paula@ex.com' && c.name === 'Paula Reis' && c.custom_fields.cpf === '222' && c.custom_fields.plano === 'ouro';
    });
  });
});
