// The fake Slack Web API, the fake Discord (REST + gateway) and the fake Graph API (test/fakes), run
// as a child process of the benchmark so their request parsing and spec checks do not share Ponte's
// event loop. Reported to the parent in 20 ms batches, each with the fake's receipt time (`at`,
// Date.now()): every customer text posted on the agent side (Slack chat.postMessage in a thread, or
// a Discord webhook post in a forum post) and every text Ponte sends to WhatsApp.
// Agent replies are also sent from here (bench/replies.ts): Slack's as signed Events API POSTs to
// Ponte, Discord's as gateway MESSAGE_CREATE dispatches, the way each platform delivers them.
import { SLACK_TIER3, startFakeSlack, type FakeSlack } from '../test/fakes/slack-api.js';
import { startFakeGraph, type FakeGraph } from '../test/fakes/graph-api.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord-api.js';
import { REAL_DISCORD_LIMITS } from '../test/fakes/discord/limits.js';
import { ChannelType, Intent } from '../test/fakes/discord/world.js';
import { REPLY_PATTERN, type AgentPost, type CardUpdate, type CustomerSend, type FakesSummary, type FakesStart, type ReplyRun } from './children.js';
import { sendReplies } from './replies.js';

let slack: FakeSlack | undefined;
let graph: FakeGraph | undefined;
let discord: FakeDiscord | undefined;
let slackCursor = 0;
let graphCursor = 0;
let discordPosts: AgentPost[] = [];
let timer: ReturnType<typeof setInterval> | undefined;
let limitedSent = 0;
let graphLimitedSent = 0;
let updatesLimitedSent = 0;

/** A merged post's line (src/pipeline/merge.ts): the message's time as code, then its words. */
const TIMED_LINE = /^`\d\d:\d\d` /;

/** The customer texts a post carries: each line of a merged post (in order), else the post's text. */
function carried(text: string): string[] {
  const lines = text.split('\n');
  return lines.length > 1 && lines.every((l) => TIMED_LINE.test(l)) ? lines.map((l) => l.replace(TIMED_LINE, '')) : [text];
}

/** Sends what arrived since the last flush. */
function flush(): void {
  const posts: AgentPost[] = discordPosts;
  discordPosts = [];
  const updates: CardUpdate[] = [];
  for (; slack && slackCursor < slack.calls.length; slackCursor++) {
    const call = slack.calls[slackCursor]!;
    if (call.method === 'chat.update' && !call.limited) {
      // A card as Slack now shows it: what the update wrote (its blocks carry the card's fields).
      updates.push({ card: `${String(call.params.channel)}/${String(call.params.ts)}`, at: call.at, content: `${String(call.params.text ?? '')} ${JSON.stringify(call.params.blocks ?? '')}` });
    }
    if (call.method !== 'chat.postMessage' || call.limited) continue;
    const p = call.params;
    const opens = p.thread_ts ? {} : { opens: String(p.channel) };
    for (const text of carried(typeof p.text === 'string' ? p.text : '')) posts.push({ side: 'slack', text, at: call.at, thread: `${String(p.channel)}/${String(p.thread_ts ?? '')}`, who: String(p.username ?? ''), ...opens });
  }
  if (posts.length) process.send?.({ type: 'posts', posts });
  if (updates.length) process.send?.({ type: 'updates', updates });
  const sends: CustomerSend[] = [];
  for (; graph && graphCursor < graph.calls.length; graphCursor++) {
    const call = graph.calls[graphCursor]!;
    const body = call.body as { type?: string; text?: { body?: string } } | undefined;
    const key = call.method === 'POST' && !call.limited && body?.type === 'text' ? REPLY_PATTERN.exec(body.text?.body ?? '')?.[0] : undefined;
    if (key) sends.push({ key, at: call.at });
  }
  if (sends.length) process.send?.({ type: 'sends', sends });
  const sum = (m: Map<string, number> | undefined) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
  const limited = sum(slack?.rateLimited) + sum(discord?.api.rateLimited);
  const graphLimited = sum(graph?.throughputRefused);
  const updatesLimited = slack?.updatesLimited() ?? 0;
  if (limited !== limitedSent || graphLimited !== graphLimitedSent || updatesLimited !== updatesLimitedSent) {
    process.send?.({ type: 'limited', limited: (limitedSent = limited), graphLimited: (graphLimitedSent = graphLimited), updatesLimited: (updatesLimitedSent = updatesLimited) });
  }
}

/**
 * Slack: about one chat.postMessage per second per channel, and chat.update's Tier 3 (50 in any
 * 60 s for the workspace); Discord: the observed route limits; WhatsApp: 80 sends/s per number.
 */
function enforceLimits(on: boolean): void {
  graph?.limitPerNumber(on ? 80 : null);
  slack?.limitPerChannel(on ? { perSecond: 1, retryAfter: 1 } : null);
  slack?.limitUpdates(on ? SLACK_TIER3 : null);
  discord?.api.limitRoutes(on ? REAL_DISCORD_LIMITS : null);
}

async function start(m: FakesStart): Promise<void> {
  slack = await startFakeSlack({ token: m.slackToken });
  graph = await startFakeGraph({ token: m.graphToken });
  for (const id of m.users) slack.users.set(id, { name: id.toLowerCase(), real_name: `User ${id}` });
  if (m.discord) {
    discord = await startFakeDiscord({ token: m.discord.token, gateway: { heartbeatInterval: 60_000 } });
    // Webhook posts are announced over the gateway as MESSAGE_CREATE with webhook_id: those are
    // the customer's texts as agents see them. The bot's own messages (cards, notices) are reported
    // too, as Slack's are: a forum post's starter message (its id is the post's) opens a thread.
    const world = discord.world;
    world.on('dispatch', (t: string, d: { id?: string; webhook_id?: string; content?: string; channel_id?: string; author?: { id?: string; username?: string } }) => {
      if (t !== 'MESSAGE_CREATE') return;
      const at = Date.now();
      const thread = String(d.channel_id);
      if (d.webhook_id) for (const text of carried(d.content ?? '')) discordPosts.push({ side: 'discord', text, at, thread, who: d.author?.username ?? '' });
      else if (d.author?.id === world.bot.id) {
        const post = world.channels.get(thread);
        const opens = post?.id === d.id ? post?.parent_id ?? undefined : undefined;
        discordPosts.push({ side: 'discord', text: d.content || (opens ? post!.name : ''), at, thread, who: world.bot.username, ...(opens ? { opens } : {}) });
      }
    });
  }
  if (m.limits === 'real') enforceLimits(true);
  timer = setInterval(flush, 20);
  process.send?.({
    type: 'ready', slackUrl: slack.url, graphUrl: graph.url,
    discord: discord && { apiUrl: discord.api.apiUrl, applicationId: discord.world.applicationId, forumId: discord.world.forumId, token: discord.token },
  });
}

async function replies(run: ReplyRun): Promise<void> {
  const sent = await sendReplies(run, discord);
  process.send?.({ type: 'replied', sent });
}

async function stop(): Promise<void> {
  if (timer) clearInterval(timer);
  flush();
  const calls: Record<string, number> = {};
  const count = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
  for (const c of slack?.calls ?? []) count(c.method);
  for (const c of graph?.calls ?? []) count(`graph ${c.method} ${c.path}`);
  for (const r of discord?.api.requests ?? []) count(`discord ${r.route ?? `${r.method} ${r.path}`}`);
  const violations = [...(slack?.specViolations ?? []), ...(discord?.api.specViolations ?? []), ...(discord?.api.unimplemented ?? []).map((r) => `unimplemented ${r}`)];
  const summary: FakesSummary = { calls, specViolations: violations.length, firstViolations: violations.slice(0, 5) };
  await Promise.allSettled([slack?.close(), graph?.close(), discord?.close()]);
  process.send?.({ type: 'summary', summary }, () => process.exit(0));
}

process.on('message', (m: { type: string } & Partial<FakesStart> & { run?: ReplyRun; channel?: string; ts?: string[]; name?: string }) => {
  if (m.type === 'threads' && slack && m.channel) {
    for (const ts of m.ts ?? []) slack.messages.set(`${m.channel}/${ts}`, { channel: m.channel, ts, text: 'card' });
    return;
  }
  if (m.type === 'start') {
    start(m as FakesStart).catch((err: unknown) => {
      console.error('fake servers failed to start', err);
      process.exit(1);
    });
  } else if (m.type === 'replies' && m.run) {
    replies(m.run).catch((err: unknown) => process.send?.({ type: 'replied', error: String(err) }));
  } else if (m.type === 'forum' && discord && m.name) {
    // An admin adds a forum: Discord announces it to the bot (CHANNEL_CREATE, Guilds intent).
    const forum = discord.world.addChannel({ type: ChannelType.GuildForum, name: m.name, available_tags: [] });
    discord.world.announce('CHANNEL_CREATE', discord.world.channelObject(forum), Intent.Guilds);
    process.send?.({ type: 'forum', forumId: forum.id });
  } else if (m.type === 'limits') {
    enforceLimits((m as { on?: boolean }).on === true);
    process.send?.({ type: 'limits-set' });
  } else if (m.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => process.exit(0));
