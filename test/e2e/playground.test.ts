import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPonte } from '../../src/main.js';
import { createTestDatabase } from '../support/database.js';
import { loadConfig } from '../../src/main.js';
import { ConfigError } from '../../src/config.js';
import { CHANNEL, eventually, startHarness, type Harness } from '../support/harness.js';
import { runCli } from '../support/cli-process.js';

/** The harness turned into a playground: no Meta variables at all (empty = unset), Slack as usual. */
const PLAYGROUND_ENV: Record<string, string> = {
  PONTE_PLAYGROUND: 'on',
  PONTE_PLAYGROUND_CHANNEL: CHANNEL,
  META_APP_SECRET: '', META_VERIFY_TOKEN: '', META_GRAPH_URL: '',
  WHATSAPP_ACCESS_TOKEN: '', MESSENGER_PAGE_TOKEN: '', INSTAGRAM_ACCESS_TOKEN: '',
};

interface ChatItem { id: string; from: string; kind: string; text?: string; status: string; template?: string; media?: { url: string; mimeType?: string; filename?: string }; reactions: Record<string, string> }

let h: Harness;
beforeAll(async () => {
  h = await startHarness(PLAYGROUND_ENV);
});
afterAll(async () => h?.close());

const api = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const res = await h.ponte.app!.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, get json() { return res.json() as Record<string, unknown>; }, res };
};
const chat = async (user: string) => (await api('GET', `/playground/api/chat?channel=whatsapp&user=${user}`)).json.items as ChatItem[];
const say = (user: string, name: string, body: Record<string, unknown>) => api('POST', '/playground/api/messages', { channel: 'whatsapp', user, name, ...body });
const threadPost = (text: string, name: string) =>
  [...h.slack.messages.values()].find((m) => m.text === text && m.username === name && m.thread_ts);

describe('the customer playground', () => {
  it('serves the phone page and its files from the repository, locked to its own script', async () => {
    const page = await api('GET', '/playground').then((r) => r.res);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/playground/phone.js');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await api('GET', '/playground/phone.js').then((r) => r.res);
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('textContent');
    expect(script.body).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });

  it('says where agents answer: the channel it connected the number to on first start', async () => {
    const info = await api('GET', '/playground/api/info');
    expect(info.json).toMatchObject({ agents: { slack: true, channel: CHANNEL } });
  });

  it('turns what the customer writes into a ticket whose thread shows it under the chosen name', async () => {
    const sent = await say('5511987650001', 'Carla Playground', { text: 'oi' });
    expect(sent.status).toBe(200);
    // Ponte answered the signed webhook 200: the message is delivered (two grey ticks).
    expect((sent.json.item as ChatItem).status).toBe('delivered');
    const post = await eventually('"oi" in a Slack thread under Carla\'s name', () => threadPost('oi', 'Carla Playground'));
    expect(post.channel).toBe(CHANNEL);
    const [row] = await h.ponte.sql<{ status: string; name: string }[]>`
      SELECT t.status, c.name FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511987650001'`;
    expect(row).toEqual({ status: 'pending', name: 'Carla Playground' });
  });

  it('brings an agent\'s reply to the page through the emulator, and moves its ticks sent → delivered → read', async () => {
    await say('5511987650002', 'Davi', { text: 'oi, tudo bem?' });
    const post = await eventually('the thread', () => threadPost('oi, tudo bem?', 'Davi'));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'Olá Davi, em que posso ajudar?', threadTs: post.thread_ts! });

    const reply = await eventually('the reply on the phone', async () =>
      (await chat('5511987650002')).find((i) => i.from === 'business' && i.text?.includes('Olá Davi, em que posso ajudar?')));
    expect(reply.text).toContain('Maria'); // signed with the agent's name
    // Fetching the chat is the phone receiving it; `sent` comes first, by itself.
    await eventually('delivered', async () => (await chat('5511987650002')).find((i) => i.id === reply.id)?.status === 'delivered');
    expect((await api('POST', '/playground/api/seen', { channel: 'whatsapp', user: '5511987650002', ids: [reply.id] })).status).toBe(200);
    await eventually('read', async () => (await chat('5511987650002')).find((i) => i.id === reply.id)?.status === 'read');
    // Each status went to Ponte as a signed webhook: the agent sees them on the message in Slack.
    await eventually('the read mark in Slack', () => h.slack.callsTo('reactions.add').some((c) => c.params.name === 'eyes'));
    const marks = h.slack.callsTo('reactions.add').map((c) => c.params.name);
    expect(marks).toEqual(expect.arrayContaining(['heavy_check_mark', 'white_check_mark', 'eyes']));
  });

  it('sends a customer\'s picture the real way: Ponte fetches it from the emulator and uploads it into the thread', async () => {
    await say('5511987650003', 'Eva', { text: 'bom dia' });
    const post = await eventually('the thread', () => threadPost('bom dia', 'Eva'));
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(300, 7)]);
    const sent = await say('5511987650003', 'Eva', { text: 'a foto', file: { name: 'foto.png', type: 'image/png', data: png.toString('base64') } });
    expect(sent.json.item).toMatchObject({ kind: 'image', status: 'delivered' });
    const upload = await eventually('the picture in the thread', () => [...h.slack.uploads.values()].find((u) => u.completed?.thread_ts === post.thread_ts));
    expect(upload.length).toBe(png.length);
    const media = await api('GET', (sent.json.item as ChatItem).media!.url);
    expect(media.res.rawPayload.equals(png)).toBe(true);
  });

  it('passes the customer\'s reactions to the thread, and shows an agent\'s template as its text', async () => {
    await say('5511987650004', 'Fred', { text: 'preciso de ajuda' });
    const post = await eventually('the thread', () => threadPost('preciso de ajuda', 'Fred'));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!template follow_up Fred', threadTs: post.thread_ts! });
    const template = await eventually('the template on the phone', async () => (await chat('5511987650004')).find((i) => i.kind === 'template'));
    expect(template).toMatchObject({ template: 'follow_up', text: 'Hi Fred, we are following up on your request. Reply to continue the conversation.' });

    const reacted = await say('5511987650004', 'Fred', { reaction: { messageId: template.id, emoji: '👍' } });
    expect(reacted.status).toBe(200);
    expect((await chat('5511987650004')).find((i) => i.id === template.id)?.reactions.customer).toBe('👍');
    // The thread shows the customer's reaction on the agent's template message.
    await eventually('the reaction in Slack', () => h.slack.callsTo('reactions.add').some((c) => c.params.name === 'thumbsup' || c.params.name === '+1'));
  });

  it('lets a day pass: the window closes, free text is refused in the thread, and a template reaches the page', async () => {
    expect((await api('POST', '/playground/api/time-passes', { channel: 'whatsapp', user: '5511987650006' })).status).toBe(409);
    await say('5511987650006', 'Iara', { text: 'oi de ontem' });
    const post = await eventually('the thread', () => threadPost('oi de ontem', 'Iara'));
    expect((await api('POST', '/playground/api/time-passes', { channel: 'whatsapp', user: '5511987650006' })).status).toBe(200);

    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'ainda está aí?', threadTs: post.thread_ts! });
    await eventually('the refusal in the thread', () => h.thread(post.thread_ts!).some((t) => t.startsWith('Not sent: the customer last wrote more than 24 hours ago')));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: '!template hello_world', threadTs: post.thread_ts! });
    await eventually('the template on the page', async () => (await chat('5511987650006')).some((i) => i.template === 'hello_world'));
    expect((await chat('5511987650006')).filter((i) => i.from === 'business').map((i) => i.kind)).toEqual(['template']);
  });

  it('refuses what the page cannot send', async () => {
    expect((await say('12', 'X', { text: 'oi' })).status).toBe(400);
    expect((await say('5511987650005', 'X', { text: '   ' })).status).toBe(400);
    expect((await say('5511987650005', 'X', { reaction: { messageId: 'wamid.nope', emoji: '👍' } })).status).toBe(409);
  });
});

describe('the playground on Messenger and Instagram', () => {
  const on = (channel: string) => ({
    chat: async (user: string) => (await api('GET', `/playground/api/chat?channel=${channel}&user=${user}`)).json.items as ChatItem[],
    say: (user: string, name: string, body: Record<string, unknown>) => api('POST', '/playground/api/messages', { channel, user, name, ...body }),
  });

  it.each(['messenger', 'instagram'])('on %s: the customer\'s name comes from the profile API, and the reply comes back seen', async (channel) => {
    const { chat, say } = on(channel);
    const user = channel === 'messenger' ? '7254000000001' : '6580000000001';
    const name = `Gabi ${channel}`;
    expect((await say(user, name, { text: `olá pelo ${channel}` })).json.item).toMatchObject({ status: 'delivered' });
    const post = await eventually(`the ${channel} message in Slack under the chosen name`, () => threadPost(`olá pelo ${channel}`, name));
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: `resposta no ${channel}`, threadTs: post.thread_ts! });
    const reply = await eventually('the reply on the page', async () => (await chat(user)).find((i) => i.from === 'business' && i.text?.includes(`resposta no ${channel}`)));
    await eventually('delivered on the page', async () => ['delivered', 'read'].includes((await chat(user)).find((i) => i.id === reply.id)!.status));
    await api('POST', '/playground/api/seen', { channel, user, ids: [reply.id] });
    await eventually('read', async () => (await chat(user)).find((i) => i.id === reply.id)?.status === 'read');
    // Ponte learned it: the agent's message is marked read in the thread (a read watermark or mid).
    await eventually('the reply read in Ponte', async () => {
      const [row] = await h.ponte.sql<{ delivery_status: string }[]>`
        SELECT m.delivery_status FROM messages m JOIN message_links l ON l.message_id = m.id WHERE l.external_id = ${reply.id}`;
      return row?.delivery_status === 'read';
    });
  });

  it('on Messenger, a customer\'s picture is fetched from the emulator\'s CDN and an agent\'s file is uploaded with the send', async () => {
    const { chat, say } = on('messenger');
    const user = '7254000000002';
    await say(user, 'Hugo', { text: 'oi' });
    const post = await eventually('the thread', () => threadPost('oi', 'Hugo'));
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 3)]);
    await say(user, 'Hugo', { file: { name: 'foto.png', type: 'image/png', data: png.toString('base64') } });
    const upload = await eventually('the picture in the thread', () => [...h.slack.uploads.values()].find((u) => u.completed?.thread_ts === post.thread_ts));
    expect(upload.length).toBe(png.length);

    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 9)]);
    const file = h.slack.registerFile({ name: 'recibo.pdf', bytes: pdf });
    await h.agentSays({ channel: CHANNEL, user: 'UAGENT01', text: 'segue', threadTs: post.thread_ts!, subtype: 'file_share', files: [file] });
    const doc = await eventually('the document on the page', async () => (await chat(user)).find((i) => i.from === 'business' && i.kind === 'document'));
    expect(doc.media?.filename).toBe('recibo.pdf');
    expect((await api('GET', doc.media!.url)).res.rawPayload.equals(pdf)).toBe(true);
  });
});

describe('the playground is off unless asked for, and refuses real Meta variables and production', () => {
  it('answers 404 on /playground in a normal start, whose boot line for Meta "off" points to the playground', async () => {
    const db = await createTestDatabase(inject('databaseUrl'));
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const ponte = await startPonte({ listen: false, log, env: { DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), PONTE_QUEUE_PREFIX: `po${randomBytes(4).toString('hex')}` } });
    try {
      expect((await ponte.app!.inject({ method: 'GET', url: '/playground' })).statusCode).toBe(404);
      const whatsapp = lines.map((l) => (JSON.parse(l) as { msg: string }).msg).find((m) => m.startsWith('whatsapp:'));
      expect(whatsapp).toMatch(/^whatsapp: off \(.*npm run playground\)$/);
    } finally {
      await ponte.stop();
      await db.drop();
    }
  });

  it('still serves the page without Slack, and says that agents need it', async () => {
    const alone = await startHarness({ ...PLAYGROUND_ENV, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' });
    try {
      const info = await alone.ponte.app!.inject({ method: 'GET', url: '/playground/api/info' });
      expect(info.json()).toMatchObject({ agents: { slack: false, hint: expect.stringMatching(/SLACK_APP_TOKEN and SLACK_BOT_TOKEN/) } });
      expect((await alone.ponte.app!.inject({ method: 'GET', url: '/playground' })).statusCode).toBe(200);
    } finally {
      await alone.close();
    }
  });

  it('binds to localhost unless HOST is given, and its public URL is where it listens', () => {
    expect(loadConfig({ PONTE_PLAYGROUND: 'on' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ PONTE_PLAYGROUND: 'on', PORT: '4100' }).PUBLIC_URL).toBe('http://localhost:4100');
    expect(loadConfig({ PONTE_PLAYGROUND: 'on', PORT: '4100', PUBLIC_URL: 'https://x.example' }).PUBLIC_URL).toBe('https://x.example');
    expect(loadConfig({ PONTE_PLAYGROUND: 'on', HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({}).HOST).toBe('0.0.0.0');
  });

  it.each([
    [{ NODE_ENV: 'production' }, /NODE_ENV=production/],
    [{ WHATSAPP_ACCESS_TOKEN: 'EAAreal' }, /WHATSAPP_ACCESS_TOKEN/],
    [{ META_GRAPH_URL: 'https://graph.facebook.com' }, /META_GRAPH_URL/],
    [{ MESSENGER_PAGE_TOKEN: 'EAAreal', INSTAGRAM_ACCESS_TOKEN: 'IGreal' }, /MESSENGER_PAGE_TOKEN, INSTAGRAM_ACCESS_TOKEN/],
  ])('refuses to start with %o', (env, reason) => {
    expect(() => loadConfig({ PONTE_PLAYGROUND: 'on', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ PONTE_PLAYGROUND: 'on', ...env })).toThrow(reason);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('`ponte start --playground` in production stops at once with one line naming the cause, exit non-zero', async () => {
    const run = await runCli(['start', '--playground'], { NODE_ENV: 'production' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PONTE_PLAYGROUND: the playground does not run with NODE_ENV=production/);
    expect(run.stdout).not.toMatch(/ponte started/);
  });
});
