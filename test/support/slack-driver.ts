// The agent driver (agent-driver.ts) for Slack, on the e2e harness and the fake Slack: agents'
// messages and presses go in as signed Events API / interactivity requests, and what agents see
// is read off the fake's recorded posts and decoded from mrkdwn the way Slack renders it.
import { get as emojiByName, which as nameOfEmoji } from 'node-emoji';
import { slackCapabilities } from '../../bridges/slack/capabilities.js';
import type { FakeSlackMessage, SlackCall } from '../fakes/slack-api.js';
import { blockActionsPayload, interactionBody, slackReactionEvent, viewSubmissionPayload } from '../fixtures/slack.js';
import type { AgentDriver, CloseValues, Control, FormHandle, Reading, SeenControl, SeenNotice, SeenPost, ThreadRef, TicketRef } from './agent-driver.js';
import { ADMIN, CHANNEL, nextAgentTs, startConnectedHarness, type Harness } from './harness.js';

const BOT_USER = 'UPONTEBOT';
const BOT_ID = 'BPONTE01';
const FORM = 'application/x-www-form-urlencoded';

/** The Slack action ids of the card's controls (bridges/slack/ids.ts), read as what they do. */
const CONTROL_OF: Record<string, Control | 'more'> = {
  'ticket.accept': 'accept',
  'ticket.transfer': 'transfer',
  'ticket.resolve': 'resolve',
  'ticket.templates': 'templates',
  'ticket.more': 'more',
};
const ACTION_OF = Object.fromEntries(Object.entries(CONTROL_OF).map(([id, c]) => [c, id])) as Record<string, string>;

/** What a Slack client sends for what a person typed: `&`, `<`, `>` as entities. */
const typed = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Removes Slack's formatting markers where Slack would render them: `*bold*`, `_italic_`,
 * `~strike~` and `` `code` `` around text that starts and ends with a non-space, opened at the
 * start or after a space/punctuation and closed before the end, a space or punctuation.
 */
function rendered(text: string): string {
  return text.replace(/(^|[\s([{"'“])([*_~`])(?=\S)([^\n]*?\S)\2(?=$|[\s.,;:!?)\]}"'”])/gm, '$1$3');
}

/**
 * mrkdwn → what a person reads. `<…>` is markup (mentions, links, dates); any `<` Slack shows
 * as a character arrives as `&lt;`, so only the markup Ponte really sent is read as markup.
 */
export function readMrkdwn(mrkdwn: string): Reading {
  const mentions: string[] = [];
  const links: Reading['links'] = [];
  let text = '';
  let last = 0;
  for (const m of mrkdwn.matchAll(/<([^<>]*)>/g)) {
    text += rendered(mrkdwn.slice(last, m.index)).replace(/&(lt|gt|amp);/g, (e) => unescape(e));
    last = m.index + m[0].length;
    const [target = '', label] = m[1]!.split('|', 2) as [string, string | undefined];
    if (/^!(here|channel|everyone)$/.test(target)) {
      mentions.push(`@${target.slice(1)}`);
      text += `@${target.slice(1)}`;
    } else if (target.startsWith('!subteam^')) {
      mentions.push(`@${target.slice('!subteam^'.length)}`);
      text += unescape(label ?? target);
    } else if (target.startsWith('!date^')) {
      text += unescape(label ?? '');
    } else if (target.startsWith('@')) {
      mentions.push(target);
      text += label ? `@${unescape(label)}` : target;
    } else if (target.startsWith('#')) {
      text += `#${unescape(label ?? target.slice(1))}`;
    } else {
      const url = unescape(target);
      links.push({ label: unescape(label ?? url), url });
      text += unescape(label ?? url);
    }
  }
  text += rendered(mrkdwn.slice(last)).replace(/&(lt|gt|amp);/g, (e) => unescape(e));
  return { text, mentions, links };
}

const merge = (parts: Reading[]): Reading => ({
  text: parts.map((p) => p.text).join('\n'),
  mentions: parts.flatMap((p) => p.mentions),
  links: parts.flatMap((p) => p.links),
});

type Block = { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: Record<string, unknown>[] };

/** A message's Block Kit, as read: its mrkdwn texts (plain_text shows as typed) and its controls. */
function readBlocks(blocks: unknown): { reading: Reading; controls: SeenControl[] } {
  const list = Array.isArray(blocks) ? (blocks as Block[]) : [];
  const read = (t: { type: string; text: string }): Reading => (t.type === 'mrkdwn' ? readMrkdwn(t.text) : { text: t.text, mentions: [], links: [] });
  const parts: Reading[] = [];
  const controls: SeenControl[] = [];
  for (const b of list) {
    if (b.text) parts.push(read(b.text));
    for (const f of b.fields ?? []) parts.push(read(f));
    if (b.type === 'context') for (const e of b.elements ?? []) parts.push(read(e as { type: string; text: string }));
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? []) {
      const control = CONTROL_OF[String(e.action_id)];
      if (!control) continue;
      const label = (e.text as { text?: string } | undefined)?.text ?? '';
      const seen: SeenControl = { control, label, confirms: e.confirm !== undefined };
      if (Array.isArray(e.options)) {
        seen.options = (e.options as { text: { text: string }; value: string }[]).map((o) => ({ control: `more:${o.value.split(':')[0]}` as Control, label: o.text.text }));
      }
      controls.push(seen);
    }
  }
  return { reading: merge(parts), controls };
}

/** Slack reaction names → unicode, without variation selectors (✔️ and ✔ are one mark). */
const NAMED: Record<string, string> = { '+1': '👍', '-1': '👎', lock: '🔒', heavy_check_mark: '✔', white_check_mark: '✅', eyes: '👀', x: '❌' };
export const bareEmoji = (e: string) => e.replace(/[\uFE0E\uFE0F]/g, '');
const emojiOf = (name: string) => bareEmoji(NAMED[name] ?? emojiByName(name) ?? `:${name}:`);

const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

/** The Slack driver over a running harness (tests that start their own harness wrap it). */
export function slackDriver(h: Harness): AgentDriver {
  let triggers = 0;
  let views = 0;
  const reactionsOn = (id: string): string[] => {
    const [channel, ts] = id.split(':');
    const on = new Set<string>();
    for (const c of h.slack.calls) {
      if (c.params.channel !== channel || c.params.timestamp !== ts) continue;
      if (c.method === 'reactions.add') on.add(String(c.params.name));
      if (c.method === 'reactions.remove') on.delete(String(c.params.name));
    }
    return [...on].map(emojiOf);
  };
  const seen = (m: FakeSlackMessage): SeenPost => {
    const blocks = m.blocks ? readBlocks(m.blocks) : undefined;
    return {
      ...readMrkdwn(m.text ?? ''),
      id: messageId(m.channel, m.ts),
      ...(m.username ? { author: m.username } : {}),
      reactions: reactionsOn(messageId(m.channel, m.ts)),
      controls: blocks?.controls ?? [],
      private: false,
    };
  };
  const notice = (c: SlackCall): SeenNotice => ({
    ...readMrkdwn(String(c.params.text ?? '')),
    userId: String(c.params.user),
    ...(c.params.thread_ts ? { thread: { containerId: String(c.params.channel), threadId: String(c.params.thread_ts) } } : {}),
    private: true,
  });
  const interact = async (payload: unknown) => {
    const res = await h.postSlack(interactionBody(payload), FORM);
    if (res.statusCode !== 200) throw new Error(`Slack interaction answered ${res.statusCode}`);
    return res;
  };

  return {
    name: 'Slack',
    capabilities: slackCapabilities,
    agents: [{ id: 'UAGENT01', name: 'Maria' }, { id: 'UAGENT02', name: 'João' }],
    admin: ADMIN,
    home: CHANNEL,
    core: { graph: h.graph, db: h.db, postMeta: (body) => h.postMeta(body), sweep: async () => void (await h.ponte.sweep()),
      get: async (path) => {
        const res = await h.ponte.app!.inject({ method: 'GET', url: path });
        return { statusCode: res.statusCode, body: res.body, headers: res.headers };
      },
    },

    async say(thread, userId, text) {
      const ts = nextAgentTs();
      const res = await h.agentSays({ channel: thread.containerId, user: userId, text: typed(text), threadTs: thread.threadId, ts });
      if (res.statusCode !== 200) throw new Error(`Slack event answered ${res.statusCode}`);
      return { id: messageId(thread.containerId, ts) };
    },
    async react(post, userId, emoji) {
      const [channel, ts] = post.split(':') as [string, string];
      const reaction = nameOfEmoji(emoji);
      if (!reaction) throw new Error(`Slack driver: no Slack name for ${emoji}`);
      const res = await h.postSlack(JSON.stringify(slackReactionEvent({ user: userId, reaction, channel, ts, eventTs: `${Date.now() / 1000}` })), 'application/json');
      if (res.statusCode !== 200) throw new Error(`Slack event answered ${res.statusCode}`);
    },
    async echoOwnPost(thread, text) {
      await h.agentSays({ channel: thread.containerId, user: BOT_USER, botId: BOT_ID, subtype: 'bot_message', text: typed(text), threadTs: thread.threadId });
    },
    async press(control, ticket, userId, opts = {}) {
      const where = (opts.on ?? ticket).thread;
      const triggerId = `${1e10 + (triggers += 1)}.1.driver`;
      if (control.startsWith('more:')) {
        await interact({
          type: 'block_actions', user: { id: userId }, trigger_id: triggerId, team: { id: 'T0001' },
          container: { type: 'message', channel_id: where.containerId, message_ts: where.threadId },
          actions: [{ action_id: ACTION_OF.more, type: 'overflow', selected_option: { value: `${control.slice(5)}:${ticket.id}` }, action_ts: `${Date.now() / 1000}` }],
        });
        return {};
      }
      const actionId = ACTION_OF[control];
      if (!actionId) throw new Error(`the Slack card has no control ${control}`);
      await interact(blockActionsPayload({ actionId, value: ticket.id, userId, channelId: where.containerId, messageTs: where.threadId, blockId: 'ponte_ticket', triggerId }));
      const opened = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === triggerId);
      const kind = control === 'transfer' ? 'transfer' : control === 'resolve' ? 'close' : undefined;
      return opened && kind ? { form: { kind, ticketId: ticket.id, userId, raw: opened.params.view } satisfies FormHandle } : {};
    },
    async submit(form, values) {
      const view = form.raw as { callback_id: string; private_metadata: string };
      const res = await interact(viewSubmissionPayload({
        callbackId: view.callback_id,
        userId: form.userId,
        privateMetadata: view.private_metadata,
        viewId: `VDRIVER${String((views += 1)).padStart(4, '0')}`,
        values: form.kind === 'close' ? closeViewValues(values) : {
          agent: { value: { type: 'users_select', selected_user: values.person ?? null } },
          ...(values.departmentId ? { department: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: values.departmentId }, value: values.departmentId } } } } : {}),
          reason: { value: { type: 'plain_text_input', value: values.reason ?? null } },
        },
      }));
      const answer = res.body ? (JSON.parse(res.body) as { response_action?: string; errors?: Record<string, string> }) : {};
      return answer.response_action === 'errors' ? { errors: answer.errors } : {};
    },
    adminCommand: (userId, text) => h.slashCommand(typed(text), userId),

    posts(thread: ThreadRef) {
      return [...h.slack.messages.values()]
        .filter((m) => m.channel === thread.containerId && m.thread_ts === thread.threadId)
        .sort((a, b) => Number(a.ts) - Number(b.ts))
        .map(seen);
    },
    card(ticket: TicketRef) {
      const root = h.slack.messages.get(`${ticket.thread.containerId}/${ticket.thread.threadId}`);
      if (!root) throw new Error(`no card for ticket ${ticket.id}`);
      const { reading, controls } = readBlocks(root.blocks);
      return { ...reading, controls };
    },
    cardUpdates: (ticket) =>
      h.slack.callsTo('chat.update').filter((c) => !c.limited && c.params.channel === ticket.thread.containerId && c.params.ts === ticket.thread.threadId).length,
    files: (thread) =>
      [...h.slack.uploads.values()]
        .filter((u) => u.bytes && u.completed?.channel_id === thread.containerId && u.completed.thread_ts === thread.threadId)
        .map((u) => ({ filename: u.filename, text: u.bytes!.toString('utf8') })),
    notices: (userId) => h.slack.callsTo('chat.postEphemeral').filter((c) => c.params.user === userId).map(notice),
    reactionsOn,
    async threadOf(ticketId) {
      const [row] = await h.db.sql<{ container_id: string; thread_id: string }[]>`
        SELECT container_id, thread_id FROM thread_links WHERE ticket_id = ${ticketId} AND platform = 'slack' AND is_current`;
      return row ? { containerId: row.container_id, threadId: row.thread_id } : undefined;
    },
    async newPlace(name) {
      const id = `C0${name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 9)}`;
      h.slack.channels.set(id, { name });
      return id;
    },
    close: () => h.close(),
  };
}

/** The whole service with Slack as its agent side, the test WhatsApp number connected (`env`: more of Ponte's variables). */
export async function startSlackDriver(env: Record<string, string> = {}): Promise<AgentDriver> {
  return slackDriver(await startConnectedHarness(env));
}

/** The close form's state as Slack submits it: the picked reason, the typed one, each field's text. */
function closeViewValues(values: CloseValues): Record<string, Record<string, unknown>> {
  const picked = values.pickedReason;
  return {
    reason: { value: { type: 'static_select', selected_option: picked ? { text: { type: 'plain_text', text: picked }, value: picked } : null } },
    reason_other: { value: { type: 'plain_text_input', value: values.otherReason ?? null } },
    ...Object.fromEntries(Object.entries(values.fields ?? {}).map(([name, f]) => [`cf:${f.required ? 'r' : 'o'}:${name}`, { value: { type: 'plain_text_input', value: f.value || null } }])),
  };
}
