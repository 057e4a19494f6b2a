import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const bodiesTo = (to: string) =>
  h.graph.sends().filter((c) => (c.body as { to?: string }).to === to).map((c) => (c.body as { text: { body: string } }).text.body);

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
