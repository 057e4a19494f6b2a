// Discord card controls and forms end to end: the core's control list on the card (buttons and the
// More select), its forms as modals opened as the first answer to a press, submits read by the core,
// and refusals in words only the presser sees. Real composition root, fake Discord checked against
// the OpenAPI description, Graph fake for WhatsApp.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WA_DEFAULTS, waTextMessage } from '../fixtures/meta.js';
import { PHONE_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { buttonClick, modalSubmit, personMessage, selectChoice, type ModalAnswer, type Person } from '../fakes/discord/event-builders.js';
import { ChannelType, type FakeChannel, type FakeMessage } from '../fakes/discord/world.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { saveDepartment } from '../../src/departments/repository.js';
import { replaceTemplates } from '../../src/templates/repository.js';

const AGENT: Person = { id: '80351110224678912', username: 'ana', global_name: 'Ana Paula', nick: 'Ana (Suporte)', permissions: '0' };

let discord: FakeDiscord;
let h: Harness;
let salesForum: string;
let salesId: string;

beforeAll(async () => {
  discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  h = await startHarness({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.api.apiUrl, DISCORD_APPLICATION_ID: discord.world.applicationId });
  await upsertConnection(h.ponte.sql, { channel: 'whatsapp', accountId: PHONE_ID, platform: 'discord', destination: discord.world.forumId, createdBy: `discord:${AGENT.id}` });
  salesForum = discord.world.addChannel({ type: ChannelType.GuildForum, name: 'vendas', available_tags: [] }).id;
  salesId = (await saveDepartment(h.ponte.sql, 'discord', 'Vendas', salesForum)).id;
});
afterAll(async () => {
  await h?.close();
  await discord?.close();
});
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
  expect(discord.api.unimplemented).toEqual([]);
});

const world = () => discord.world;
const history = (threadId: string) => world().history(threadId);
const tagId = (forum: string, name: string) => world().channels.get(forum)!.available_tags!.find((t) => t.name === name)?.id;
const components = (m: FakeMessage) => (m.components as { components: Record<string, unknown>[] }[]).flatMap((r) => r.components);
const callbacks = (interaction: Record<string, unknown>) => world().interactions.get(interaction.id as string)!.callbacks as { type: number; data?: Record<string, unknown> }[];
const ticketStatus = async (wa: string) =>
  (await h.ponte.sql<{ status: string; department: string }[]>`
    SELECT t.status, d.name AS department FROM tickets t JOIN contacts c ON c.id = t.contact_id JOIN departments d ON d.id = t.department_id
    WHERE c.external_id = ${wa} ORDER BY t.id DESC LIMIT 1`)[0]!;
/** What only the presser saw in a post: ephemeral answers and follow-ups. */
const whispers = (channelId: string) => [...world().messages.values()].filter((m) => m.ephemeral && m.channel_id === channelId).map((m) => m.content);

async function openPost(wa: string, name: string, forum = world().forumId): Promise<{ post: FakeChannel; card: FakeMessage; ticketId: string }> {
  await h.postMeta(waTextMessage({ phoneNumberId: PHONE_ID, from: wa, name, text: 'olá' }));
  const post = await eventually(`a post for ${name}`, () =>
    [...world().channels.values()].find((c) => c.parent_id === forum && c.name.startsWith(name) && history(c.id).some((m) => m.webhook_id)),
  );
  const card = history(post.id)[0]!;
  const ticketId = /^ponte:[a-z]+:(\d+)$/.exec(String(components(card)[0]!.custom_id))![1]!;
  return { post, card, ticketId };
}

function press(post: FakeChannel, card: FakeMessage, customId: string, locale?: string) {
  const click = buttonClick(world(), { channelId: post.id, from: AGENT, messageId: card.id, customId, locale });
  discord.gateway.dispatch('INTERACTION_CREATE', click);
  return click;
}

function choose(post: FakeChannel, card: FakeMessage, ticketId: string, option: string) {
  const pick = selectChoice(world(), { channelId: post.id, from: AGENT, messageId: card.id, customId: `ponte:more:${ticketId}`, values: [option] });
  discord.gateway.dispatch('INTERACTION_CREATE', pick);
  return pick;
}

function submit(post: FakeChannel, customId: string, fields: Record<string, ModalAnswer>, locale?: string) {
  const sent = modalSubmit(world(), { channelId: post.id, from: AGENT, customId, fields, locale });
  discord.gateway.dispatch('INTERACTION_CREATE', sent);
  return sent;
}

async function accept(post: FakeChannel, card: FakeMessage, ticketId: string) {
  press(post, card, `ponte:accept:${ticketId}`);
  await eventually('the post tagged Open', () => world().channels.get(post.id)!.applied_tags?.[0] === tagId(world().forumId, 'Open'));
}

describe('Discord card controls and forms', () => {
  it('renders the core’s controls: Accept, Transfer, Resolve as buttons and More as a select of the core’s options', async () => {
    const { card, ticketId } = await openPost('5511911110001', 'Alice');
    const [buttons, more] = card.components as { components: Record<string, unknown>[] }[];
    expect(buttons!.components.map((b) => b.custom_id)).toEqual([`ponte:accept:${ticketId}`, `ponte:transfer:${ticketId}`, `ponte:resolve:${ticketId}`]);
    const select = more!.components[0] as { type: number; custom_id: string; placeholder: string; options: { value: string }[] };
    expect(select).toMatchObject({ type: 3, custom_id: `ponte:more:${ticketId}`, placeholder: 'More' });
    // Pending: no Return; the phone is there, so Show phone is.
    expect(select.options.map((o) => o.value)).toEqual(['contact', 'edit_contact', 'history', 'transcript', 'phone', 'block', 'unblock', 'delete']);
  });

  it('Transfer opens the modal at once; the chosen department gets a post in its forum; a press on the card left behind is refused, only to the presser', async () => {
    const wa = '5511911110002';
    const { post, card, ticketId } = await openPost(wa, 'Bruna');
    const click = press(post, card, `ponte:transfer:${ticketId}`);
    const [modal] = await eventually('the modal', () => callbacks(click).length > 0 && callbacks(click));
    expect(modal!.type).toBe(9); // the FIRST response
    const data = modal!.data as { custom_id: string; title: string; components: { type: number; label: string; component: { custom_id: string; options?: { value: string; label: string }[] } }[] };
    expect(data.custom_id).toBe(`ponte:form:transfer:${ticketId}:${world().forumId}:${post.id}`);
    expect(data.title).toBe('Transfer ticket');
    expect(data.components.map((c) => [c.type, c.component.custom_id])).toEqual([[18, 'agent'], [18, 'department'], [18, 'reason']]);
    expect(data.components[1]!.component.options).toContainEqual({ value: salesId, label: 'Vendas' });

    const sent = submit(post, data.custom_id, { agent: { type: 5, values: [] }, department: { type: 3, values: [salesId] }, reason: 'quer orçamento' });
    const moved = await eventually('a post in the Vendas forum', () => [...world().channels.values()].find((c) => c.parent_id === salesForum && c.name.startsWith('Bruna')));
    expect(callbacks(sent)).toEqual([{ type: 6 }]);
    expect(await ticketStatus(wa)).toEqual({ status: 'pending', department: 'Vendas' });
    await eventually('the note left in the old post', () => history(post.id).some((m) => m.content.includes('Vendas')));
    expect(moved.id).not.toBe(post.id);

    // The old card still shows Accept: pressing it changes nothing, and says so to the presser alone.
    const stale = press(post, card, `ponte:accept:${ticketId}`);
    await eventually('the refusal', () => whispers(post.id).find((c) => c.includes('this control is not on this ticket’s card')));
    expect(callbacks(stale)).toEqual([{ type: 6 }]);
    expect(history(post.id).some((m) => m.content.includes('this control is not on'))).toBe(false);
    expect(await ticketStatus(wa)).toEqual({ status: 'pending', department: 'Vendas' });
  });

  it('Resolve asks first, only the presser sees the question; No changes nothing, Yes resolves', async () => {
    const wa = '5511911110003';
    const { post, card, ticketId } = await openPost(wa, 'Carla');
    await accept(post, card, ticketId);

    const ask = press(post, card, `ponte:resolve:${ticketId}`);
    const [question] = await eventually('the question', () => callbacks(ask).length > 0 && callbacks(ask));
    expect(question).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('Resolve this ticket?') } });
    const asked = world().interactions.get(ask.id as string)!.original_id!;
    expect(components(world().messages.get(asked)!).map((b) => b.custom_id)).toEqual([`ponte:resolve-yes:${ticketId}`, `ponte:cancel:${ticketId}`]);

    const no = buttonClick(world(), { channelId: post.id, from: AGENT, messageId: asked, customId: `ponte:cancel:${ticketId}` });
    discord.gateway.dispatch('INTERACTION_CREATE', no);
    await eventually('the question withdrawn', () => callbacks(no).length > 0);
    expect(callbacks(no)).toEqual([{ type: 7, data: { content: 'Nothing changed.', components: [] } }]);
    expect((await ticketStatus(wa)).status).toBe('open');

    const again = press(post, card, `ponte:resolve:${ticketId}`);
    await eventually('the question again', () => callbacks(again).length > 0);
    const yes = buttonClick(world(), { channelId: post.id, from: AGENT, messageId: world().interactions.get(again.id as string)!.original_id!, customId: `ponte:resolve-yes:${ticketId}` });
    discord.gateway.dispatch('INTERACTION_CREATE', yes);
    await eventually('the post tagged Resolved', () => world().channels.get(post.id)!.applied_tags?.[0] === tagId(world().forumId, 'Resolved'));
    expect(callbacks(yes)).toEqual([{ type: 7, data: { components: [] } }]);
    expect((await ticketStatus(wa)).status).toBe('resolved');
    expect(world().messages.get(card.id)!.components).toEqual([]);
  });

  it('More → Return puts the ticket back in the queue; More → Block blocks the contact', async () => {
    const wa = '5511911110004';
    const { post, card, ticketId } = await openPost(wa, 'Dora');
    await accept(post, card, ticketId);
    const open = world().messages.get(card.id)!;
    const options = ((open.components[1] as { components: { options: { value: string }[] }[] }).components[0]!.options).map((o) => o.value);
    expect(options).toContain('return');

    const back = choose(post, card, ticketId, 'return');
    await eventually('the post tagged Pending', () => world().channels.get(post.id)!.applied_tags?.[0] === tagId(world().forumId, 'Pending'));
    expect(callbacks(back)).toEqual([{ type: 6 }]);
    expect((await ticketStatus(wa)).status).toBe('pending');

    choose(post, card, ticketId, 'block');
    await eventually('the contact blocked', async () => (await h.ponte.sql<{ blocked: boolean }[]>`SELECT blocked FROM contacts WHERE external_id = ${wa}`)[0]!.blocked);
    await eventually('the notice in the post', () => history(post.id).some((m) => /blocked this contact/.test(m.content)));
  });

  it('refuses a form with a bad answer in words, in the agent’s language, and changes nothing', async () => {
    const wa = '5511911110005';
    const { post, card, ticketId } = await openPost(wa, 'Eva');
    const customId = `ponte:form:transfer:${ticketId}:${world().forumId}:${post.id}`;

    const none = submit(post, customId, { reason: 'sem destino' });
    const [refusal] = await eventually('the refusal', () => callbacks(none).length > 0 && callbacks(none));
    expect(refusal).toEqual({
      type: 4,
      data: { content: 'Nothing changed: Choose a person or a department (one of them). Open the form again to correct it.', flags: 64, allowed_mentions: { parse: [] } },
    });
    const both = submit(post, customId, { agent: { type: 5, values: [AGENT.id] }, department: { type: 3, values: [salesId] } }, 'pt-BR');
    const [recusa] = await eventually('a refusal in Portuguese', () => callbacks(both).length > 0 && callbacks(both));
    expect(recusa!.data!.content).toBe('Nada mudou: Escolha uma pessoa ou um setor (um dos dois). Abra o formulário de novo para corrigir.');

    // More → "Edit contact details": the contact form, prefilled; a bad e-mail is refused the same way.
    const edit = choose(post, card, ticketId, 'edit_contact');
    const [modal] = await eventually('the contact modal', () => callbacks(edit).length > 0 && callbacks(edit));
    const data = modal!.data as { custom_id: string; components: { component: { custom_id: string; value?: string } }[] };
    expect(modal!.type).toBe(9);
    expect(data.components.find((c) => c.component.custom_id === 'name')!.component.value).toBe('Eva');
    const bad = submit(post, data.custom_id, { name: 'Eva', email: 'eva-at-example', fields: '' });
    await eventually('the e-mail refused', () => callbacks(bad).length > 0);
    expect(callbacks(bad)[0]!.data!.content).toMatch(/^Nothing changed: .*e-mail/);
    expect(await ticketStatus(wa)).toEqual({ status: 'pending', department: 'General' });
  });

  it('outside the window a reply is refused with a "Send a template" button; it opens the picker as a modal, and its answer sends the template', async () => {
    const wa = '5511911110006';
    await replaceTemplates(h.ponte.sql, WA_DEFAULTS.wabaId, [{ name: 'pedido_pronto', language: 'pt_BR', category: 'utility', status: 'APPROVED', body: 'Olá {{1}}, seu pedido {{2}} está pronto.', paramCount: 2 }]);
    const { post, ticketId } = await openPost(wa, 'Gabi');
    await h.ponte.sql`UPDATE contacts SET last_inbound_at = now() - interval '48 hours' WHERE external_id = ${wa}`;
    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(world(), post.id, AGENT, 'oi Gabi, ainda precisa?'));
    const notice = await eventually('the refusal with the offer', () => history(post.id).find((m) => m.content.startsWith('Not sent') && m.components.length > 0));
    expect(components(notice).map((c) => [c.custom_id, c.label])).toEqual([[`ponte:templates:${ticketId}`, 'Send a template']]);

    const click = press(post, notice, `ponte:templates:${ticketId}`);
    const [modal] = await eventually('the picker', () => callbacks(click).length > 0 && callbacks(click));
    expect(modal!.type).toBe(9);
    const data = modal!.data as { custom_id: string; components: { type: number; content?: string; component?: { custom_id: string; options: { value: string }[] } }[] };
    expect(data.components[0]!.component!.options.map((o) => o.value)).toEqual(['pedido_pronto|pt_BR|2']);
    expect(data.components[2]).toMatchObject({ type: 10, content: expect.stringContaining('Olá {{1}}, seu pedido {{2}} está pronto.') });

    const sent = submit(post, data.custom_id, { template: { type: 3, values: ['pedido_pronto|pt_BR|2'] }, params: 'Gabi\n4521' });
    const send = await eventually('the template send', () =>
      h.graph.sends().find((c) => (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'template'),
    );
    expect(send.body).toMatchObject({ template: { name: 'pedido_pronto', language: { code: 'pt_BR' } } });
    expect(callbacks(sent)).toEqual([{ type: 6 }]);
  });
});
