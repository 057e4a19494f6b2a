import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { interactionBody } from '../fixtures/slack.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const bodiesTo = (wa: string) => h.textsSentTo(wa);

describe('granted admins', () => {
  it('an admin grants and takes back the admin role; others cannot', async () => {
    expect(await h.slashCommand('message accept oi', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('admin add <@UAGENT02|joao>', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('admin add <@UAGENT01|maria>')).toBe('<@UAGENT01> is now a Ponte admin.');
    expect(await h.slashCommand('admin list', 'UAGENT01')).toContain('<@UAGENT01>');
    expect(await h.slashCommand('message accept Olá!', 'UAGENT01')).toMatch(/accept message is now/);
    expect(await h.slashCommand('admin remove <@UAGENT01|maria>', 'UAGENT01')).toMatch(/cannot remove yourself/);
    expect(await h.slashCommand('admin remove <@UAGENT01|maria>')).toBe('<@UAGENT01> is no longer a granted Ponte admin.');
    expect(await h.slashCommand('message accept oi', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('admin add maria')).toMatch(/^Usage/);
    expect(ADMIN).toBeTruthy();
  });
});

describe('explicit reply mode', () => {
  it('keeps plain thread chat internal and sends only !r; open mode restores plain replies', async () => {
    await h.slashCommand('message accept off');
    expect(await h.slashCommand('mode explicit', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('mode explicit')).toMatch(/explicit/);
    expect(await h.slashCommand('mode', 'UAGENT01')).toMatch(/Reply mode: \*explicit\*/);
    const wa = '5511911110001';
    const ts = await h.customerWrites(wa, 'Gabi', 'oi');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'quem pega este?', threadTs: ts });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!r Oi Gabi, sou a Maria!', threadTs: ts });
    await eventually('the !r reply', () => bodiesTo(wa).length === 1);
    expect(bodiesTo(wa)).toEqual(['*Maria:*\nOi Gabi, sou a Maria!']);

    expect(await h.slashCommand('mode open')).toMatch(/open/);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'tudo certo?', threadTs: ts });
    await eventually('the plain reply', () => bodiesTo(wa).length === 2);
    expect(bodiesTo(wa)[1]).toBe('*Maria:*\ntudo certo?');
  });
});

describe('department agents and the full phone number', () => {
  it('shows the full phone privately to the department’s agents and admins only', async () => {
    expect(await h.slashCommand('agent add <@UAGENT02|joao> General', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('agent add <@UAGENT02|joao> General')).toBe('<@UAGENT02> is now an agent of: General.');
    expect(await h.slashCommand('agent add <@UAGENT02|joao> Nowhere')).toMatch(/There is no department Nowhere/);
    expect(await h.slashCommand('agent list', 'UAGENT01')).toContain('<@UAGENT02>: General');

    const wa = '5511911110002';
    const cardTs = await h.customerWrites(wa, 'Helo', 'oi');
    const [t] = await h.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${wa}`;
    const choose = (userId: string) =>
      h.postSlack(interactionBody({
        type: 'block_actions', user: { id: userId }, trigger_id: `${Date.now()}.${Math.random()}`, team: { id: 'T0001' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: cardTs },
        actions: [{ action_id: 'ticket.more', type: 'overflow', selected_option: { value: `phone:${t!.id}` }, action_ts: `${Date.now() / 1000}` }],
      }), 'application/x-www-form-urlencoded');
    const privateTo = (user: string) => h.slack.callsTo('chat.postEphemeral').filter((c) => c.params.user === user).map((c) => String(c.params.text));

    await choose('UAGENT02'); // an agent of General
    await eventually('shown to João', () => privateTo('UAGENT02').includes(`Phone of Helo: +${wa}`));
    await choose('UAGENT01'); // not an agent of General, not an admin
    await eventually('refused to Maria', () => privateTo('UAGENT01').some((x) => x.startsWith('Only agents of *General*')));
    await choose(ADMIN);
    await eventually('shown to the admin', () => privateTo(ADMIN).includes(`Phone of Helo: +${wa}`));
    expect(h.thread(cardTs).some((x) => x.includes(wa))).toBe(false); // never in the thread itself

    expect(await h.slashCommand('agent remove <@UAGENT02|joao> General')).toBe('<@UAGENT02> is no longer an agent of: General.');
  });
});
