// The agent driver (agent-driver.ts) for Discord, on the e2e harness and the fake Discord: agents'
// messages and button presses go in over the fake gateway, as Discord sends them, and what agents
// see is read off the fake's world (posts, the card embed, reactions) and its request log (private
// lines: ephemeral answers to an interaction), decoded from Discord Markdown (discord-reading.ts).
import { discordCapabilities } from '../../bridges/discord/capabilities.js';
import { upsertConnection } from '../../src/connections/repository.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { buttonClick, modalSubmit, personMessage, reactionAdd, selectChoice, slashCommand, type Person } from '../fakes/discord/event-builders.js';
import { ponteCommand } from '../../bridges/discord/commands/ponte.js';
import type { FakeMessage } from '../fakes/discord/world.js';
import type { AgentDriver, Control, Reading, SeenControl, SeenNotice, SeenPost, ThreadRef, TicketRef } from './agent-driver.js';
import { readDiscordMarkdown, type AllowedMentions } from './discord-reading.js';
import { PHONE_ID, eventually, startHarness, type Harness } from './harness.js';

const EPHEMERAL = 1 << 6;
const AGENTS: [Person, Person] = [
  { id: '80351110224678913', username: 'maria', global_name: 'Maria Silva', nick: 'Maria', permissions: '0' },
  { id: '80351110224678914', username: 'joao', global_name: 'João Souza', nick: 'João', permissions: '0' },
];
const ADMIN: Person = { id: '80351110224678915', username: 'ana', nick: 'Ana', permissions: '8' };

/** The card's buttons (`ponte:<control>:<ticket>`, bridges/discord/ids.ts), read as what they do. */
const CONTROL_OF: Record<string, Control | 'more'> = { accept: 'accept', transfer: 'transfer', resolve: 'resolve', templates: 'templates', more: 'more' };

/** The environment that turns the Discord bridge on against `fake`. */
export function discordEnv(fake: FakeDiscord): Record<string, string> {
  return { DISCORD_BOT_TOKEN: fake.token, DISCORD_API_URL: fake.api.apiUrl, DISCORD_APPLICATION_ID: fake.world.applicationId, PONTE_ADMINS: `discord:${ADMIN.id}` };
}

const merge = (parts: Reading[]): Reading => ({
  text: parts.map((p) => p.text).join('\n'),
  mentions: parts.flatMap((p) => p.mentions),
  links: parts.flatMap((p) => p.links),
});

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
type Row = { components?: { type: number; custom_id?: string; label?: string; options?: { label: string; value: string }[] }[] };

/** A message's embeds as read (title, description, fields: Markdown; a footer is plain) and its buttons. */
function readMessage(m: FakeMessage): { reading: Reading; controls: SeenControl[] } {
  const allowed = m.allowed_mentions as AllowedMentions | undefined;
  const read = (md: string) => readDiscordMarkdown(md, allowed);
  const parts: Reading[] = [];
  if (m.content) parts.push(read(m.content));
  for (const e of m.embeds as Embed[]) {
    // Embeds never ping anyone, whatever allowed_mentions says.
    const quiet = (md: string) => ({ ...readDiscordMarkdown(md), mentions: [] });
    if (e.title) parts.push(quiet(e.title));
    if (e.description) parts.push(quiet(e.description));
    for (const f of e.fields ?? []) parts.push(quiet(f.name), quiet(f.value));
    if (e.footer) parts.push({ text: e.footer.text, mentions: [], links: [] });
  }
  const controls: SeenControl[] = [];
  for (const row of m.components as Row[]) {
    for (const c of row.components ?? []) {
      const [, name] = /^ponte:([a-z]+):(.*)$/.exec(c.custom_id ?? '') ?? [];
      const control = name ? CONTROL_OF[name] : undefined;
      if (!control) continue;
      // Resolve asks "are you sure?" with a private question (a Discord button has no confirm of its own).
      const seen: SeenControl = { control, label: c.label ?? '', confirms: control === 'resolve' };
      if (c.options) seen.options = c.options.map((o) => ({ control: `more:${o.value.split(':')[0]}` as Control, label: o.label }));
      controls.push(seen);
    }
  }
  return { reading: merge(parts), controls };
}

type OptionDef = { name: string; type: number; choices?: { value: string }[]; autocomplete?: boolean };

/**
 * `/ponte` typed words → the subcommand's typed options, as a person fills them in Discord: a
 * word that is one of an option's choices sets it; `name:value` (or `name value`) sets that
 * option; a flag's name sets it; the words left fill the options still free, in the order they
 * are declared, the last text option taking the rest (a person, a channel, by their mention's id).
 */
function asOptions(text: string): { name: string; type: 1; options: { name: string; type: number; value: string | number | boolean }[] } {
  const [name = 'help', ...words] = text.trim().split(/\s+/).filter(Boolean);
  const defs = ((ponteCommand.options ?? []).find((o) => o.name === name) as { options?: OptionDef[] } | undefined)?.options ?? [];
  const given = new Map<string, string | number | boolean>();
  const set = (def: OptionDef, value: string | boolean) => {
    const id = typeof value === 'string' ? /^<[@#][!&]?(\d+)>$/.exec(value)?.[1] : undefined;
    given.set(def.name, def.type === 4 ? Number(value) : (def.type === 6 || def.type === 7) && id ? id : value);
  };
  const rest: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    const keyed = /^(\w+)[:=](.+)$/.exec(w);
    const byChoice = defs.find((d) => d.choices?.some((c) => c.value === w.toLowerCase()) && !given.has(d.name));
    const byKey = keyed ? defs.find((d) => d.name === keyed[1]) : undefined;
    const byName = defs.find((d) => d.name === w.toLowerCase() && !given.has(d.name));
    if (byChoice) set(byChoice, w.toLowerCase());
    else if (byKey) set(byKey, keyed![2]!);
    else if (byName?.type === 5) set(byName, true);
    else if (byName && !byName.choices && words[i + 1] !== undefined && rest.length === 0 && byName.type !== 3) set(byName, words[(i += 1)]!);
    else rest.push(w);
  }
  // A channel option takes only a channel typed as one (`<#id>`), never a free word.
  const free = defs.filter((d) => !given.has(d.name) && d.type !== 5 && !d.choices && (d.type !== 7 || rest.some((w) => /^<#/.test(w))));
  const lastText = free.map((d) => d.type).lastIndexOf(3);
  for (const [i, d] of free.entries()) {
    if (!rest.length) break;
    // A person or channel picker takes only a mention: a plain word goes to the next option.
    if ((d.type === 6 || d.type === 7) && !/^<[@#][!&]?\d+>$/.test(rest[0]!)) continue;
    set(d, i === lastText || i === free.length - 1 ? rest.splice(0).join(' ') : rest.shift()!);
  }
  // Discord sends the options in the order they are declared.
  const options = defs.filter((d) => given.has(d.name)).map((d) => ({ name: d.name, type: d.type, value: given.get(d.name)! }));
  return { name, type: 1, options };
}

/** An interaction callback as the fake stores it. */
type Callback = { type: number; data?: { custom_id?: string; content?: string; components?: unknown[] } };

const bare = (e: string) => e.replace(/[\uFE0E\uFE0F]/g, '');

/** The Discord driver over a running harness whose Discord side is `discord`. */
export function discordDriver(h: Harness, discord: FakeDiscord): AgentDriver {
  /** Sends an interaction as `userId` in `threadId` and waits for Ponte's first answer to it. */
  async function interact(userId: string, threadId: string, event: Record<string, unknown>): Promise<Callback> {
    pressedBy.set(String(event.id), { userId, threadId });
    pressedBy.set(String(event.token), { userId, threadId });
    discord.gateway.dispatch('INTERACTION_CREATE', event);
    const i = world.interactions.get(String(event.id))!;
    return eventually('an answer to the interaction', () => (i.callbacks[0] as Callback | undefined));
  }
  const world = discord.world;
  // The agents and the admin are members of the server from the start, as on a real one.
  for (const p of [...AGENTS, ADMIN]) world.people.set(p.id, p);
  /** Who pressed: interaction id and token → the person, so private answers can be told apart. */
  const pressedBy = new Map<string, { userId: string; threadId: string }>();

  const reactionsOn = (id: string): string[] => {
    const msg = world.messages.get(id.split(':')[1] ?? '');
    return msg ? [...msg.reactions].map(bare) : [];
  };
  const seen = (m: FakeMessage): SeenPost => {
    const { reading, controls } = readMessage(m);
    return {
      ...reading,
      id: `${m.channel_id}:${m.id}`,
      ...(m.webhook_id && m.webhook_id !== world.applicationId ? { author: m.author.username } : {}),
      reactions: [...m.reactions].map(bare),
      controls,
      private: false,
    };
  };
  const notice = (userId: string, threadId: string, md: string, allowed: unknown): SeenNotice => ({
    ...readDiscordMarkdown(md, allowed as AllowedMentions | undefined),
    userId,
    thread: { containerId: world.channels.get(threadId)?.parent_id ?? '', threadId },
    private: true,
  });
  const person = (id: string): Person => [...AGENTS, ADMIN].find((p) => p.id === id) ?? { id, username: id };

  return {
    name: 'Discord',
    capabilities: discordCapabilities,
    agents: [{ id: AGENTS[0].id, name: AGENTS[0].nick! }, { id: AGENTS[1].id, name: AGENTS[1].nick! }],
    admin: ADMIN.id,
    home: world.forumId,
    core: { graph: h.graph, db: h.db, postMeta: (body) => h.postMeta(body), sweep: async () => void (await h.ponte.sweep()),
      get: async (path) => {
        const res = await h.ponte.app!.inject({ method: 'GET', url: path });
        return { statusCode: res.statusCode, body: res.body, headers: res.headers };
      },
    },

    async say(thread, userId, text) {
      const event = personMessage(world, thread.threadId, person(userId), text);
      discord.gateway.dispatch('MESSAGE_CREATE', event);
      return { id: `${thread.threadId}:${String(event.id)}` };
    },
    async react(post, userId, emoji) {
      const [channelId, messageId] = post.split(':') as [string, string];
      discord.gateway.dispatch('MESSAGE_REACTION_ADD', reactionAdd(world, { channelId, messageId, from: person(userId), emoji }));
    },
    async echoOwnPost(thread, text) {
      // What the gateway sends for Ponte's own post (not stored: it is the echo of one already shown).
      const id = world.snowflake();
      discord.gateway.dispatch('MESSAGE_CREATE', {
        id, channel_id: thread.threadId, guild_id: world.guildId, channel_type: 11, type: 0, content: text, author: world.bot,
        timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
        attachments: [], embeds: [], components: [], pinned: false, flags: 0,
      });
    },
    async press(control, ticket, userId, opts = {}) {
      const where = (opts.on ?? ticket).thread;
      const at = { channelId: where.threadId, from: person(userId), messageId: where.threadId };
      const more = control.startsWith('more:');
      const answer = await interact(userId, where.threadId, more
        ? selectChoice(world, { ...at, customId: `ponte:more:${ticket.id}`, values: [control.slice('more:'.length)] })
        : buttonClick(world, { ...at, customId: `ponte:${control}:${ticket.id}` }));
      if (answer.type === 9) return { form: { kind: control === 'resolve' ? 'close' : 'transfer', ticketId: ticket.id, userId, raw: { customId: answer.data?.custom_id, threadId: where.threadId } } };
      // Resolve asks first, only to the presser (a Discord button has no confirm of its own): say yes.
      const yes = `ponte:resolve-yes:${ticket.id}`;
      if (control === 'resolve' && JSON.stringify(answer.data?.components ?? []).includes(yes)) {
        await interact(userId, where.threadId, buttonClick(world, { ...at, customId: yes }));
      }
      return {};
    },
    async submit(form, values) {
      const raw = form.raw as { customId: string; threadId: string };
      const answer = await interact(form.userId, raw.threadId, modalSubmit(world, {
        channelId: raw.threadId,
        from: person(form.userId),
        customId: raw.customId,
        fields: form.kind === 'close' ? {
          ...(values.pickedReason ? { reason: { type: 3, values: [values.pickedReason] } } : {}),
          ...(values.otherReason ? { reason_other: values.otherReason } : {}),
          ...Object.fromEntries(Object.entries(values.fields ?? {}).map(([name, f]) => [`cf:${f.required ? 'r' : 'o'}:${name}`, f.value])),
        } : {
          ...(values.person ? { agent: { type: 5, values: [values.person] } } : {}),
          ...(values.departmentId ? { department: { type: 3, values: [values.departmentId] } } : {}),
          ...(values.reason ? { reason: values.reason } : {}),
        },
      }));
      // A bad answer comes back as a private line (Discord modals have no per-field errors).
      return answer.type === 4 ? { errors: { form: answer.data?.content ?? '' } } : {};
    },
    async adminCommand(userId, text) {
      const cmd = slashCommand(world, { channelId: world.textChannelId, from: person(userId), name: 'ponte', options: [asOptions(text)] });
      const answer = await interact(userId, world.textChannelId, cmd);
      const i = world.interactions.get(String(cmd.id))!;
      // A slow answer is deferred (type 5) and `@original` edited once the work is done.
      const content = answer.type === 5
        ? await eventually('the deferred answer', () => (i.original_id ? world.messages.get(i.original_id)?.content || undefined : undefined))
        : (answer.data?.content ?? '');
      return readDiscordMarkdown(content).text;
    },

    posts(thread: ThreadRef) {
      return world.history(thread.threadId).filter((m) => m.id !== thread.threadId).map(seen);
    },
    card(ticket: TicketRef) {
      const root = world.messages.get(ticket.thread.threadId);
      if (!root) throw new Error(`no card for ticket ${ticket.id}`);
      const { reading, controls } = readMessage(root);
      return { ...reading, controls };
    },
    cardUpdates: (ticket) =>
      discord.api.requestsTo('PATCH /channels/{channel_id}/messages/{message_id}')
        .filter((r) => r.status >= 200 && r.status < 300 && r.path.endsWith(`/channels/${ticket.thread.threadId}/messages/${ticket.thread.threadId}`)).length,
    notices(userId) {
      const out: SeenNotice[] = [];
      for (const r of discord.api.requests) {
        if (r.status < 200 || r.status >= 300) continue;
        const body = (r.body ?? {}) as { type?: number; content?: string; flags?: number; allowed_mentions?: unknown; data?: { content?: string; flags?: number; allowed_mentions?: unknown; components?: unknown[] } };
        // Resolve's private "are you sure?" (with its yes/no buttons) is a control, as Slack's confirm dialog is: not a notice.
        const question = (body.data?.components?.length ?? 0) > 0;
        if (r.route === 'POST /interactions/{interaction_id}/{interaction_token}/callback' && body.type === 4 && !question) {
          const by = pressedBy.get(r.path.split('/')[2] ?? '');
          if (by?.userId === userId && ((body.data?.flags ?? 0) & EPHEMERAL)) out.push(notice(userId, by.threadId, body.data?.content ?? '', body.data?.allowed_mentions));
        }
        if (r.route === 'POST /webhooks/{webhook_id}/{webhook_token}' && ((body.flags ?? 0) & EPHEMERAL)) {
          const by = pressedBy.get(r.path.split('/')[3] ?? '');
          if (by?.userId === userId) out.push(notice(userId, by.threadId, body.content ?? '', body.allowed_mentions));
        }
      }
      return out;
    },
    files: (thread) =>
      world.history(thread.threadId).flatMap((m) => m.attachments).map((a) => ({ filename: a.filename, text: a.bytes.toString('utf8') })),
    reactionsOn,
    async threadOf(ticketId) {
      const [row] = await h.db.sql<{ container_id: string; thread_id: string }[]>`
        SELECT container_id, thread_id FROM thread_links WHERE ticket_id = ${ticketId} AND platform = 'discord' AND is_current`;
      return row ? { containerId: row.container_id, threadId: row.thread_id } : undefined;
    },
    async newPlace(name) {
      return world.addChannel({ type: 15, name, available_tags: [] }).id;
    },
    async close() {
      const { specViolations, unimplemented } = discord.api;
      await h.close();
      await discord.close();
      // Every request the bridge made must fit Discord's OpenAPI description.
      if (specViolations.length || unimplemented.length) throw new Error(`Discord requests off the spec: ${[...specViolations, ...unimplemented].join('; ')}`);
    },
  };
}

/** The whole service with Discord as its agent side, the test WhatsApp number connected to the forum. */
export async function startDiscordHarness(env: Record<string, string> = {}): Promise<{ h: Harness; discord: FakeDiscord; driver: AgentDriver }> {
  const discord = await startFakeDiscord({ gateway: { heartbeatInterval: 60_000 } });
  const h = await startHarness({ ...discordEnv(discord), ...env }).catch(async (err: unknown) => {
    await discord.close();
    throw err;
  });
  // As `/ponte connect` records it (the slash command is another slice's).
  await upsertConnection(h.ponte.sql, { channel: 'whatsapp', accountId: PHONE_ID, platform: 'discord', destination: discord.world.forumId, createdBy: `discord:${ADMIN.id}` });
  return { h, discord, driver: discordDriver(h, discord) };
}

export async function startDiscordDriver(env: Record<string, string> = {}): Promise<AgentDriver> {
  return (await startDiscordHarness(env)).driver;
}

