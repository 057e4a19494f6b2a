// One contract for every agent-side bridge (Slack now, Discord when it lands), run once per bridge
// through its driver (test/support/agent-driver.ts), like test/conformance/ for customer channels.
// Each case is a real flow: a WhatsApp customer through Meta's webhook fake, agents through the
// driver, and assertions on what the customer got (the Graph fake) and on what agents SEE (the
// driver's decoded reading: visible text, pings, links, controls, reactions, private lines).
// Where platforms legitimately differ, the case reads the bridge's `capabilities`.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { whatsappCapabilities } from '../../channels/whatsapp/capabilities.js';
import { signReply } from '../../src/agent/compose-reply.js';
import { t, type MessageKey } from '../../src/i18n/catalog.js';
import { waStatus } from '../fixtures/meta.js';
import { customerWritesTo, type AgentDriver, type SeenPost, type TicketRef } from '../support/agent-driver.js';
import { PHONE_ID, eventually } from '../support/harness.js';

/** Cases a bridge is known to fail today (a real bug, reported): they run as `it.fails`. */
export interface BridgeConformanceOptions {
  knownGaps?: readonly CaseName[];
}

export type CaseName =
  | 'card states and controls'
  | 'notes are never relayed'
  | '! commands'
  | 'signature'
  | 'echo suppression'
  | 'stale presses are refused in words'
  | 'transfer through the form'
  | 'text is split at the bridge limit'
  | 'customer markup cannot ping or link'
  | 'delivery marks';

/** A catalogue line as a person reads it once rendered: the pairs of `*`, `_` and `` ` `` markers gone. */
const shown = (key: MessageKey, vars: Record<string, string> = {}) => t('en', key, vars).replace(/([*_`])([^*_`\n]+)\1/g, '$2');
const bare = (e: string) => e.replace(/[\uFE0E\uFE0F]/g, '');

let phones = 0;
/** A WhatsApp number no other case of this file uses. */
const nextPhone = () => `55119${String(8_800_000 + (phones += 1)).padStart(7, '0')}`;

export function describeBridge(name: string, start: () => Promise<AgentDriver>, opts: BridgeConformanceOptions = {}): void {
  describe(`${name} bridge conformance`, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const gap = (c: CaseName) => opts.knownGaps?.includes(c) ?? false;
    const test = (c: CaseName, fn: (ctx: TestContext) => Promise<void>) => (gap(c) ? it.fails(c, fn) : it(c, fn));
    const [maria, joao] = [() => d.agents[0], () => d.agents[1]];

    /** The text bodies WhatsApp was asked to send `to`, in order. */
    const sentTo = (to: string) =>
      d.core.graph.sends()
        .map((c) => c.body as { to?: string; type?: string; text?: { body: string } })
        .filter((b) => b.to === to && b.type === 'text')
        .map((b) => b.text!.body);
    const postsOf = (ticket: TicketRef) => d.posts(ticket.thread);
    const find = (ticket: TicketRef, pred: (p: SeenPost) => boolean) => () => postsOf(ticket).find(pred);

    const customerWrites = (from: string, profileName: string, text: string) => customerWritesTo(d, from, profileName, text);
    /** Everything queued before this point has been worked off (the sweeper re-arms what is due). */
    const settle = async () => {
      await d.core.sweep();
    };

    test('card states and controls', async () => {
      const ticket = await customerWrites(nextPhone(), 'Carla', 'oi, preciso de ajuda');
      const pending = d.card(ticket);
      expect(pending.text).toContain('Carla');
      expect(pending.text).toContain(shown('status.pending'));
      expect(pending.controls.map((c) => c.control)).toEqual(['accept', 'transfer', 'resolve', 'more']);
      expect(pending.controls.find((c) => c.control === 'resolve')!.confirms).toBe(true);
      expect(pending.controls.find((c) => c.control === 'accept')!.label).toBe(shown('card.accept'));

      await d.press('accept', ticket, maria().id);
      const open = await eventually('the card open by the agent', () => {
        const c = d.card(ticket);
        return c.text.includes(shown('status.open')) && c.text.includes(maria().name) ? c : undefined;
      });
      expect(open.controls.map((c) => c.control)).toEqual(['transfer', 'resolve', 'more']);
      expect(open.controls.find((c) => c.control === 'more')!.options!.map((o) => o.control)).toContain('more:return');

      await d.press('resolve', ticket, maria().id);
      const resolved = await eventually('the card resolved', () => {
        const c = d.card(ticket);
        return c.text.includes(shown('status.resolved')) ? c : undefined;
      });
      expect(resolved.controls).toEqual([]);
    });

    test('notes are never relayed', async () => {
      const wa = nextPhone();
      const ticket = await customerWrites(wa, 'Ivo', 'oi');
      const note = await d.say(ticket.thread, maria().id, '!note cliente VIP');
      const slashes = await d.say(ticket.thread, maria().id, '// checar estoque');
      await d.say(ticket.thread, maria().id, 'agora sim');
      await eventually('the reply', () => sentTo(wa).includes(signReply(maria().name, 'agora sim', whatsappCapabilities)));
      await eventually('🔒 on both notes', () => [note, slashes].every((m) => d.reactionsOn(m.id).includes('🔒')));
      await settle();
      expect(sentTo(wa).join('\n')).not.toMatch(/VIP|estoque/);
      expect(sentTo(wa).at(-1)).toBe(signReply(maria().name, 'agora sim', whatsappCapabilities));
    });

    test('! commands', async () => {
      const wa = nextPhone();
      const ticket = await customerWrites(wa, 'Júlia', 'oi');
      await d.say(ticket.thread, joao().id, '!foo bar');
      // The first sentence: the list of commands after it is Slack-shaped (see the report on `<text>`).
      const says = shown('thread.unknown_command', { command: '!foo' }).split('. ')[0]!;
      const unknown = await eventually('the unknown command notice', find(ticket, (p) => p.text.startsWith(`${says}. `)));
      expect(unknown.private).toBe(false);
      await d.say(ticket.thread, joao().id, '!resolve silent');
      await eventually('the card resolved', () => d.card(ticket).text.includes(shown('status.resolved')));
      const [row] = await d.core.db.sql<{ protocol: string }[]>`SELECT protocol FROM tickets WHERE id = ${ticket.id}`;
      await eventually('the resolved notice', find(ticket, (p) => p.text === shown('thread.resolved', { protocol: row!.protocol, agent: joao().name })));
      await settle();
      expect(sentTo(wa)).toEqual([]);
    });

    test('signature', async () => {
      const wa = nextPhone();
      const ticket = await customerWrites(wa, 'Rosa', 'oi');
      await d.say(ticket.thread, joao().id, 'Custa R$ 10 & chega <amanhã>.');
      const expected = signReply(joao().name, 'Custa R$ 10 & chega <amanhã>.', whatsappCapabilities);
      await eventually('the signed reply', () => sentTo(wa).includes(expected));
    });

    test('echo suppression', async () => {
      const wa = nextPhone();
      const ticket = await customerWrites(wa, 'Hana', 'alguém aí?');
      const before = postsOf(ticket).length;
      await d.echoOwnPost(ticket.thread, 'an echo of our own post');
      await d.say(ticket.thread, maria().id, 'Oi Hana');
      await eventually('the reply', () => sentTo(wa).includes(signReply(maria().name, 'Oi Hana', whatsappCapabilities)));
      await settle();
      expect(sentTo(wa).join('\n')).not.toContain('echo of our own post');
      expect(postsOf(ticket).slice(before).map((p) => p.text)).not.toContain('an echo of our own post');
    });

    test('stale presses are refused in words', async () => {
      const a = await customerWrites(nextPhone(), 'Edu', 'olá');
      const b = await customerWrites(nextPhone(), 'Fabi', 'olá');
      await d.press('accept', a, maria().id);
      await eventually('accepted', () => d.card(a).text.includes(maria().name));
      // A second accept by someone else, from a card that still showed Accept to them.
      await d.press('accept', a, joao().id);
      const taken = shown('transition.rejected', { status: shown('status.open').toLowerCase(), by: t('en', 'transition.by', { agent: maria().name }) });
      await eventually('the refusal, to João only', () => d.notices(joao().id).find((n) => n.text === taken));
      // A's control pressed where B's card is.
      await d.press('resolve', a, joao().id, { on: b });
      await eventually('the misplaced press refused', () => d.notices(joao().id).find((n) => n.text === shown('action.wrong_place')));
      await settle();
      expect(d.card(a).text).toContain(shown('status.open'));
      expect(d.card(b).text).toContain(shown('status.pending'));
      expect(d.notices(maria().id)).toEqual([]);
      for (const ticket of [a, b]) expect(postsOf(ticket).filter((p) => p.text.startsWith('Nothing changed'))).toEqual([]);
      expect(d.notices(joao().id).every((n) => n.private)).toBe(true);
    });

    test('transfer through the form', async (ctx) => {
      if (!d.capabilities.forms) {
        ctx.skip();
        return;
      }
      const ticket = await customerWrites(nextPhone(), 'Sara', 'quero um desconto');
      const { form } = await d.press('transfer', ticket, maria().id);
      expect(form).toBeDefined();
      expect((await d.submit(form!, {})).errors).toBeDefined();
      expect(await d.submit(form!, { person: joao().id, reason: 'cliente antiga' })).toEqual({});
      await eventually('the transfer notice', find(ticket, (p) => p.text.startsWith(shown('transfer.to_agent', { agent: maria().name, target: joao().name }).slice(0, -1))));
      await eventually('the card shows João', () => d.card(ticket).text.includes(joao().name));
    });

    test('text is split at the bridge limit', async () => {
      const max = d.capabilities.maxTextLength;
      const words = ['Olá', 'você', 'não', 'está', 'só:', 'pedido', 'nº', '4821', 'já', 'saiu', '🚚', 'chegará', 'amanhã.'];
      let text = '';
      for (let i = 0; text.length < max + 500; i += 1) text += words[i % words.length] + (i % 37 === 36 ? '\n\n' : ' ');
      text = text.trim();
      const ticket = await customerWrites(nextPhone(), 'Longa', text);
      const mine = () => postsOf(ticket).filter((p) => p.author === 'Longa');
      const whole = (posts: SeenPost[]) => posts.map((p) => p.text).join('').replace(/\s/g, '');
      // Parts go out in order; wait for the last, but let the assertions say what came if it never does.
      await eventually('the whole text in the thread', () => whole(mine()).length >= text.replace(/\s/g, '').length, 2_000).catch(() => undefined);
      const parts = mine();
      // A bridge that truncates (Slack today) shows one post cut at the limit: the text is lost.
      const full = text.replace(/\s/g, '');
      expect(whole(parts).length, 'characters shown, of the text sent').toBe(full.length);
      expect(whole(parts) === full, 'the parts, joined, are the text').toBe(true);
      for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(max);
    });

    test('customer markup cannot ping or link', async () => {
      const evil = '<!channel> <@UAGENT01> <https://evil.example|bank> & &amp; <#C0GENERAL>';
      const ticket = await customerWrites(nextPhone(), evil, `pague em ${evil}`);
      const post = postsOf(ticket).find((p) => p.author === evil);
      expect(post).toMatchObject({ text: `pague em ${evil}`, mentions: [], links: [] });
      const card = d.card(ticket);
      expect(card.text).toContain(evil);
      expect(card.mentions).toEqual([]);
      expect(card.links).toEqual([]);
    });

    test('delivery marks', async () => {
      const wa = nextPhone();
      const ticket = await customerWrites(wa, 'Otto', 'oi');
      const reply = await d.say(ticket.thread, maria().id, 'Oi Otto');
      const body = signReply(maria().name, 'Oi Otto', whatsappCapabilities);
      await eventually('✔ sent', () => d.reactionsOn(reply.id).includes(bare('✔️')));
      const [link] = await d.core.db.sql<{ external_id: string }[]>`
        SELECT l.external_id FROM message_links l JOIN messages m ON m.id = l.message_id
        WHERE l.platform = 'whatsapp' AND m.ticket_id = ${ticket.id} AND m.body = ${body}`;
      await d.core.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: link!.external_id, status: 'delivered', recipientId: wa }));
      await eventually('✅ delivered', () => d.reactionsOn(reply.id).includes('✅'));
      await d.core.postMeta(waStatus({ phoneNumberId: PHONE_ID, id: link!.external_id, status: 'read', recipientId: wa }));
      await eventually('👀 read', () => d.reactionsOn(reply.id).includes('👀'));
    });
  });
}
