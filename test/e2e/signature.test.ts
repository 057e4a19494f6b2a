// Driven through the agent driver (test/support/agent-driver.ts), on Slack: the same flow runs
// on any bridge with a driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver } from '../support/agent-driver.js';
import { eventually } from '../support/harness.js';
import { startSlackDriver } from '../support/slack-driver.js';

let d: AgentDriver;
beforeAll(async () => {
  d = await startSlackDriver();
});
afterAll(async () => d?.close());

const lastTo = async (to: string, count: number) => {
  await eventually(`${count} sends to ${to}`, () => d.core.graph.sends().filter((c) => (c.body as { to?: string }).to === to).length === count);
  const sends = d.core.graph.sends().filter((c) => (c.body as { to?: string }).to === to);
  return (sends.at(-1)!.body as { text: { body: string } }).text.body;
};

describe('signatures', () => {
  it('an agent can turn theirs off and on; a lock forces it; admins set the format', async () => {
    const [maria, admin] = [d.agents[0].id, d.admin];
    const wa = '5511944440001';
    const { thread } = await customerWritesTo(d, wa, 'Rosa', 'oi');
    const say = (text: string) => d.say(thread, maria, text);

    expect(await d.adminCommand(maria, 'signature off')).toBe('Your replies go out without your name.');
    await say('sem assinatura');
    expect(await lastTo(wa, 1)).toBe('sem assinatura');

    expect(await d.adminCommand(maria, 'signature lock on')).toMatch(/only Ponte admins/);
    expect(await d.adminCommand(admin, 'signature lock on')).toMatch(/locked on/);
    expect(await d.adminCommand(maria, 'signature off')).toBe('An admin has locked signatures: every reply is signed.');
    await say('travada');
    expect(await lastTo(wa, 2)).toBe('*Maria:*\ntravada');

    expect(await d.adminCommand(admin, 'signature format Acme')).toMatch(/needs \{name\}/);
    expect(await d.adminCommand(admin, 'signature format — {name}, Acme')).toBe('Replies are now signed as: — {name}, Acme');
    await say('com formato');
    expect(await lastTo(wa, 3)).toBe('— Maria, Acme\ncom formato');

    await d.adminCommand(admin, 'signature format {text}\n\n_{name}_');
    await say('no fim');
    expect(await lastTo(wa, 4)).toBe('no fim\n\n_Maria_');

    expect(await d.adminCommand(admin, 'signature format default')).toMatch(/default way/);
    await d.adminCommand(admin, 'signature lock off');
    expect(await d.adminCommand(maria, 'signature on')).toBe('Your replies are signed with your name.');
    await say('de volta');
    expect(await lastTo(wa, 5)).toBe('*Maria:*\nde volta');
  });
});
