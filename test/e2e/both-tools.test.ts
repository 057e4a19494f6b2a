// One deployment running Slack and Discord together: a ticket is worked in one place at a time,
// and a transfer to a department that lives only on the other tool moves it there.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { personMessage, type Person } from '../fakes/discord/event-builders.js';
import { saveDepartment } from '../../src/departments/repository.js';

const AGENT: Person = { id: '80351110224678913', username: 'bia', global_name: 'Bia Lima', permissions: '0' };
const CUSTOMER = '5511955554444';

let discord: FakeDiscord;
let h: Harness;

beforeAll(async () => {
  discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  h = await startConnectedHarness({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.api.apiUrl, DISCORD_APPLICATION_ID: discord.world.applicationId });
  // "Vendas" works in Discord only: its tickets open in the forum.
  await saveDepartment(h.ponte.sql, 'discord', 'Vendas', discord.world.forumId);
});
afterAll(async () => {
  await h?.close();
  await discord?.close();
});
afterEach(() => {
  expect(discord.api.specViolations).toEqual([]);
});

const world = () => discord.world;
const postsInForum = () => [...world().channels.values()].filter((c) => c.parent_id === world().forumId);

describe('Slack and Discord in one deployment', () => {
  it('a Slack agent transfers to a Discord department: the ticket opens as a forum post, the customer follows, and a Discord reply reaches WhatsApp', async () => {
    const cardTs = await h.customerWrites(CUSTOMER, 'Otávio', 'quero comprar 3 caixas');
    expect(postsInForum()).toHaveLength(0);

    await h.agentSays({ channel: CHANNEL, threadTs: cardTs, user: 'UAGENT01', text: '!transfer Vendas cliente quer orçamento' });
    // The Slack thread says where it went; the ticket is now a forum post with its card.
    await eventually('the Slack thread tells it left', () => h.thread(cardTs).some((t) => t.includes('*Vendas*')));
    const post = await eventually('a forum post for the ticket', () => postsInForum().find((c) => c.name.startsWith('Otávio')));
    const history = () => world().history(post.id);
    await eventually('the card and the arrival notice in the post', () => history().some((m) => m.content.includes('Transferred here')));

    // The customer's next message goes to Discord, not to the old Slack thread.
    const slackBefore = h.thread(cardTs).length;
    await h.postMetaText(CUSTOMER, 'Otávio', 'pode ser amanhã?');
    await eventually('the customer’s message in the forum post', () => history().some((m) => m.webhook_id && m.content.includes('amanhã')));
    expect(h.thread(cardTs)).toHaveLength(slackBefore);

    // A Discord agent answers in the post: it reaches WhatsApp, signed.
    discord.gateway.dispatch('MESSAGE_CREATE', personMessage(world(), post.id, AGENT, 'Amanhã às 10h, combinado.'));
    await eventually('the Discord reply on WhatsApp', () => h.textsSentTo(CUSTOMER).some((t) => t.includes('Amanhã às 10h') && t.includes('Bia Lima')));
  });
});
