import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const lastTo = async (to: string, count: number) => {
  await eventually(`${count} sends to ${to}`, () => h.graph.sends().filter((c) => (c.body as { to?: string }).to === to).length === count);
  const sends = h.graph.sends().filter((c) => (c.body as { to?: string }).to === to);
  return (sends.at(-1)!.body as { text: { body: string } }).text.body;
};

describe('signatures', () => {
  it('an agent can turn theirs off and on; a lock forces it; admins set the format', async () => {
    const wa = '5511944440001';
    const ts = await h.customerWrites(wa, 'Rosa', 'oi');
    const say = (text: string) => h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text, threadTs: ts });

    expect(await h.slashCommand('signature off', 'UAGENT01')).toBe('Your replies go out without your name.');
    await say('sem assinatura');
    expect(await lastTo(wa, 1)).toBe('sem assinatura');

    expect(await h.slashCommand('signature lock on', 'UAGENT01')).toMatch(/only Ponte admins/);
    expect(await h.slashCommand('signature lock on')).toMatch(/locked on/);
    expect(await h.slashCommand('signature off', 'UAGENT01')).toBe('An admin has locked signatures: every reply is signed.');
    await say('travada');
    expect(await lastTo(wa, 2)).toBe('*Maria:*\ntravada');

    expect(await h.slashCommand('signature format Acme')).toMatch(/needs \{name\}/);
    expect(await h.slashCommand('signature format — {name}, Acme')).toBe('Replies are now signed as: — {name}, Acme');
    await say('com formato');
    expect(await lastTo(wa, 3)).toBe('— Maria, Acme\ncom formato');

    await h.slashCommand('signature format {text}\n\n_{name}_');
    await say('no fim');
    expect(await lastTo(wa, 4)).toBe('no fim\n\n_Maria_');

    expect(await h.slashCommand('signature format default')).toMatch(/default way/);
    await h.slashCommand('signature lock off');
    expect(await h.slashCommand('signature on', 'UAGENT01')).toBe('Your replies are signed with your name.');
    await say('de volta');
    expect(await lastTo(wa, 5)).toBe('*Maria:*\nde volta');
  });
});
