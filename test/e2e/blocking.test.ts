import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, PHONE_ID, SECRETS, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => h?.close());

const blockCalls = (wa: string) =>
  h.graph.calls.filter((c) => c.path.endsWith('/block_users') && JSON.stringify(c.body).includes(wa)).map((c) => c.method);
const sendsTo = (to: string) => h.graph.sends().filter((c) => (c.body as { to?: string }).to === to);
const isBlocked = async (wa: string) => (await h.db.sql<{ blocked: boolean }[]>`SELECT blocked FROM contacts WHERE external_id = ${wa}`)[0]!.blocked;

describe('!block and !unblock', () => {
  it('blocks on WhatsApp and in Ponte: nothing mirrored, nothing sent; !unblock restores both', async () => {
    const wa = '5511999990001';
    const ts = await h.customerWrites(wa, 'Spam Bot', 'compre já');
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!block', threadTs: ts });
    await eventually('the notice', () => h.thread(ts).find((t) => t.startsWith('Maria blocked this contact')));
    await eventually('the Block Users API call', () => blockCalls(wa).includes('POST'));
    const call = h.graph.calls.find((c) => c.path === `/v21.0/${PHONE_ID}/block_users`)!;
    expect(call.headers.authorization).toBe(`Bearer ${SECRETS.waToken}`);
    expect(call.body).toEqual({ messaging_product: 'whatsapp', block_users: [{ user: wa }] });
    expect(h.graph.blocked.has(wa)).toBe(true);
    expect(await isBlocked(wa)).toBe(true);

    await h.postMetaText(wa, 'Spam Bot', 'mais spam');
    await eventually('recorded as blocked', async () => (await h.db.sql`SELECT 1 FROM inbound_events WHERE reason = 'blocked_contact'`).length === 1);
    expect(h.thread(ts)).not.toContain('mais spam');

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'olá?', threadTs: ts });
    await eventually('the refusal', () => h.thread(ts).find((t) => t.startsWith('This contact is blocked; nothing was sent')));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT02', text: '!block', threadTs: ts });
    await eventually('already', () => h.thread(ts).find((t) => t === 'Nothing changed: this contact is already blocked.'));
    expect(sendsTo(wa)).toHaveLength(0);

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!unblock', threadTs: ts });
    await eventually('unblocked on WhatsApp', () => blockCalls(wa).includes('DELETE'));
    expect(h.graph.blocked.has(wa)).toBe(false);
    await h.postMetaText(wa, 'Spam Bot', 'desculpa, era engano');
    await eventually('mirrored again', () => h.thread(ts).includes('desculpa, era engano'));
  });

  it('refuses to block someone who has not written in 24 hours, before anything changes', async () => {
    const wa = '5511999990002';
    const ts = await h.customerWrites(wa, 'Old Timer', 'oi');
    await h.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '2 days' WHERE external_id = ${wa}`;
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!block', threadTs: ts });
    await eventually('the refusal', () => h.thread(ts).find((t) => t === 'Nothing changed: WhatsApp only lets you block someone who wrote in the last 24 hours.'));
    expect(await isBlocked(wa)).toBe(false);
    await h.ponte.sweep();
    expect(blockCalls(wa)).toEqual([]);
  });

  it('explains a block WhatsApp refused, and keeps the contact hidden in Ponte', async () => {
    const wa = '5511999990003';
    const ts = await h.customerWrites(wa, 'Edge Case', 'oi');
    h.graph.notEngaged.add(wa);
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!block', threadTs: ts });
    const notice = await eventually('the explanation', () => h.thread(ts).find((t) => t.startsWith('The platform did not block this contact')));
    expect(notice).toMatch(/Not engaged contact.*24 hours.*139100.*Ponte still hides/);
    expect(await isBlocked(wa)).toBe(true);
  });
});
