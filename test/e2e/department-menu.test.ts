// The department menu for new customers (issue 13), through both agent-side bridges: a new
// WhatsApp customer is asked with an interactive list (a Messenger one with a numbered question);
// no thread opens until they choose; their choice (a tapped row, a typed number or a name) opens
// the ticket in that department's place with everything they wrote, in order, and a line saying
// what they chose; two answers that are no choice, or no answer in time, send it to the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDepartment } from '../../src/departments/repository.js';
import { upsertConnection } from '../../src/connections/repository.js';
import type { AgentPlatform } from '../../src/core/events.js';
import { fbDelivery, msgText } from '../fixtures/messenger.js';
import { waMessageOfType, waTextMessage } from '../fixtures/meta.js';
import type { AgentDriver, ThreadRef } from '../support/agent-driver.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { PAGE_ID, PHONE_ID, eventually } from '../support/harness.js';

let phones = 0;
const nextPhone = () => `55119${String(7_900_000 + (phones += 1)).padStart(7, '0')}`;

type Interactive = { type: string; body: { text: string }; action: { button: string; sections: { rows: { id: string; title: string }[] }[] } };

for (const [name, start] of [['Slack', startSlackDriver], ['Discord', startDiscordDriver]] as const) {
  describe(`${name}: the department menu for new customers`, () => {
    let d: AgentDriver;
    const places: Record<string, string> = {};
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      d = await start();
      const platform = d.name.toLowerCase() as AgentPlatform;
      for (const dept of ['Vendas', 'Suporte', 'Financeiro']) {
        places[dept] = await d.newPlace(dept.toLowerCase());
        ids[dept] = (await saveDepartment(d.core.db.sql, platform, dept, places[dept])).id;
      }
      await upsertConnection(d.core.db.sql, { channel: 'messenger', accountId: PAGE_ID, platform, destination: d.home, createdBy: `${platform}:${d.admin}` });
    }, 60_000);
    afterAll(async () => d?.close());

    const sql = () => d.core.db.sql;
    /** `/ponte …` as `userId` runs it, its answer's words without the platform's markup. */
    const admin = async (userId: string, text: string) => (await d.adminCommand(userId, text)).replace(/[*_`]/g, '');
    /** The menu's command as each tool spells it: `/ponte menu …`; Discord's /ponte is full, so `/ponte department menu …`. */
    const menu = (rest = '') => `${d.name === 'Discord' ? 'department menu' : 'menu'} ${rest}`.trim();
    const sentTo = (to: string) => d.core.graph.sends().map((c) => c.body as Record<string, unknown>).filter((b) => b.to === to);
    const write = async (from: string, text: string) => expect((await d.core.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from, name: 'Cris Cliente', text }))).statusCode).toBe(200);
    const ticketOf = async (externalId: string) => {
      const [row] = await sql()<{ id: string; department: string; menu_until: Date | null }[]>`
        SELECT t.id, d.name AS department, t.menu_until FROM tickets t JOIN contacts c ON c.id = t.contact_id JOIN departments d ON d.id = t.department_id
        WHERE c.external_id = ${externalId} ORDER BY t.id DESC LIMIT 1`;
      return row;
    };
    /** The ticket's thread once it opened, and the customer's words in it, in order. */
    const threadOf = async (externalId: string, words: number): Promise<{ thread: ThreadRef; said: string[]; all: string[] }> =>
      eventually(`${externalId}'s thread with ${words} message(s)`, async () => {
        const t = await ticketOf(externalId);
        const thread = t ? await d.threadOf(t.id) : undefined;
        if (!thread) return undefined;
        const posts = d.posts(thread);
        const said = posts.filter((p) => p.author).map((p) => p.text);
        return said.length >= words ? { thread, said, all: posts.map((p) => p.text) } : undefined;
      }, 15_000);
    const menuLists = (phone: string) => sentTo(phone).filter((b) => b.type === 'interactive').map((b) => b.interactive as Interactive);

    it('an admin sets the menu of a connection: its departments in order, then on; `/ponte menu` lists it', async () => {
      expect(await admin(d.admin, menu(`${PHONE_ID} on`))).toContain('two departments or more');
      expect(await admin(d.admin, menu(`${PHONE_ID} departments Vendas, Suporte, Nada`))).toContain('no department called Nada');
      expect(await admin(d.admin, menu(`${PHONE_ID} departments Vendas, Suporte, Financeiro`))).toContain('1. Vendas, 2. Suporte, 3. Financeiro');
      expect(await admin(d.admin, menu(`${PHONE_ID} on`))).toContain('Department menu on');
      expect(await admin(d.admin, menu())).toContain(`${PHONE_ID} (whatsapp): on, 1. Vendas, 2. Suporte, 3. Financeiro`);
      expect(await admin(d.agents[0].id, menu())).toContain('only Ponte admins');
      expect(await admin(d.admin, 'message greeting Olá {name}, aqui é o setor {department}.')).toMatch(/greeting/i);
    });

    it('asks with a WhatsApp list; no thread until the choice; row 2 opens the ticket in Suporte with every message in order, then the greeting', async () => {
      const phone = nextPhone();
      await write(phone, 'oi, preciso de ajuda');
      const [list] = await eventually('the menu list', () => (menuLists(phone).length ? menuLists(phone) : undefined));
      expect(list!.type).toBe('list');
      expect(list!.body.text).toBe('Hello! Which department would you like to talk to?');
      expect(list!.action.sections[0]!.rows).toEqual([
        { id: `dept:${ids.Vendas}`, title: 'Vendas' }, { id: `dept:${ids.Suporte}`, title: 'Suporte' }, { id: `dept:${ids.Financeiro}`, title: 'Financeiro' },
      ]);
      const waiting = await ticketOf(phone);
      expect(waiting!.menu_until).not.toBeNull();
      expect(await d.threadOf(waiting!.id)).toBeUndefined();

      const tap = waMessageOfType('interactive', { type: 'list_reply', list_reply: { id: `dept:${ids.Suporte}`, title: 'Suporte' }, button_reply: undefined }, { from: phone, phoneNumberId: PHONE_ID, name: 'Cris Cliente' });
      expect((await d.core.postMeta(tap)).statusCode).toBe(200);
      const { thread, said, all } = await threadOf(phone, 2);
      expect(thread.containerId).toBe(places.Suporte);
      expect(said).toEqual(['oi, preciso de ajuda', 'Suporte']);
      expect(all.filter((x) => x.includes('chose Suporte from the department menu'))).toHaveLength(1);
      expect(all.findIndex((x) => x.includes('chose Suporte'))).toBeLessThan(all.indexOf('oi, preciso de ajuda'));
      expect((await ticketOf(phone))).toMatchObject({ department: 'Suporte', menu_until: null });
      const greeting = await eventually('the greeting', () => sentTo(phone).find((b) => (b.text as { body?: string } | undefined)?.body?.startsWith('Olá')));
      expect((greeting.text as { body: string }).body).toBe('Olá Cris Cliente, aqui é o setor Suporte.');
      // The menu went before the greeting, once.
      expect(menuLists(phone)).toHaveLength(1);
    });

    it('a typed "1" chooses Vendas; a later message goes to the same thread, not to a new menu', async () => {
      const phone = nextPhone();
      await write(phone, 'quero comprar');
      await eventually('the menu list', () => menuLists(phone)[0]);
      await write(phone, '1');
      const { thread, said } = await threadOf(phone, 2);
      expect(thread.containerId).toBe(places.Vendas);
      expect(said).toEqual(['quero comprar', '1']);
      await write(phone, 'tem em azul?');
      await eventually('the next message in the thread', () => d.posts(thread).some((p) => p.author && p.text === 'tem em azul?'));
      expect(menuLists(phone)).toHaveLength(1);
    });

    it('an answer that is no choice is asked again once; a second one sends the ticket to the default department', async () => {
      const phone = nextPhone();
      await write(phone, 'bom dia');
      await eventually('the menu list', () => menuLists(phone)[0]);
      await write(phone, 'não sei');
      const again = await eventually('asked again', () => menuLists(phone)[1]);
      expect(again.body.text).toContain('Sorry, that is not one of the options.');
      expect((await ticketOf(phone))!.menu_until).not.toBeNull();
      await write(phone, 'sei lá');
      const { thread, said, all } = await threadOf(phone, 3);
      expect(thread.containerId).toBe(d.home);
      expect(said).toEqual(['bom dia', 'não sei', 'sei lá']);
      expect(all.some((x) => x.includes('did not choose from the department menu') && x.includes('General'))).toBe(true);
      expect((await ticketOf(phone))!.department).toBe('General');
      expect(menuLists(phone)).toHaveLength(2);
    });

    it('a customer who never answers goes to the default department when the time is up (the sweeper arms the wake-up)', async () => {
      const phone = nextPhone();
      await write(phone, 'alguém aí?');
      await eventually('the menu list', () => menuLists(phone)[0]);
      const waiting = await ticketOf(phone);
      await d.core.sweep();
      expect(await d.threadOf(waiting!.id)).toBeUndefined();
      await sql()`UPDATE tickets SET menu_until = now() - interval '1 second' WHERE id = ${waiting!.id}`;
      await d.core.sweep();
      const { thread, said, all } = await threadOf(phone, 1);
      expect(thread.containerId).toBe(d.home);
      expect(said).toEqual(['alguém aí?']);
      expect(all.some((x) => x.includes('did not answer the department menu in time'))).toBe(true);
      expect(await ticketOf(phone)).toMatchObject({ department: 'General', menu_until: null });
    });

    it('a Messenger customer gets a numbered question and may answer with the name, in any case and accents', async () => {
      const psid = `72541814${String(27_000_000 + phones++)}`;
      expect(await admin(d.admin, menu(`${PAGE_ID} departments Vendas, Suporte, Financeiro`))).toContain('3. Financeiro');
      expect(await admin(d.admin, menu(`${PAGE_ID} on Em que setor posso te ajudar?`))).toContain('Department menu on');
      const deliver = async (text: string) => expect((await d.core.postMeta(fbDelivery('messenger', [msgText({ accountId: PAGE_ID, from: psid, text })]))).statusCode).toBe(200);
      await deliver('olá');
      const question = await eventually('the numbered question', () => d.core.graph.messengerTexts().find((t) => t.to === psid));
      expect(question.text).toBe('Em que setor posso te ajudar?\n\n1. Vendas\n2. Suporte\n3. Financeiro\n\nReply with the number of the department.');
      await deliver('FINANCÉIRO');
      const { thread, said } = await threadOf(psid, 2);
      expect(thread.containerId).toBe(places.Financeiro);
      expect(said).toEqual(['olá', 'FINANCÉIRO']);
    });
  });
}
