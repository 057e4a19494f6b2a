// The fake Slack Web API and Graph API (test/fakes), run as a child process of the benchmark so
// their request parsing and spec checks do not share Ponte's event loop. Every chat.postMessage
// is reported to the parent with the fake's receipt time (`at`, Date.now()), in batches.
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack-api.js';
import { startFakeGraph, type FakeGraph } from '../test/fakes/graph-api.js';
import type { FakesSummary, SlackPost } from './children.js';

let slack: FakeSlack | undefined;
let graph: FakeGraph | undefined;
let cursor = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Sends the postMessage calls that arrived since the last flush. */
function flush(): void {
  if (!slack) return;
  const posts: SlackPost[] = [];
  for (; cursor < slack.calls.length; cursor++) {
    const call = slack.calls[cursor]!;
    if (call.method === 'chat.postMessage') posts.push({ text: typeof call.params.text === 'string' ? call.params.text : '', at: call.at });
  }
  if (posts.length) process.send?.({ type: 'posts', posts });
}

async function start(m: { slackToken: string; graphToken: string; users: string[] }): Promise<void> {
  slack = await startFakeSlack({ token: m.slackToken });
  graph = await startFakeGraph({ token: m.graphToken });
  for (const id of m.users) slack.users.set(id, { name: id.toLowerCase(), real_name: `User ${id}` });
  timer = setInterval(flush, 20);
  process.send?.({ type: 'ready', slackUrl: slack.url, graphUrl: graph.url });
}

async function stop(): Promise<void> {
  if (timer) clearInterval(timer);
  flush();
  const calls: Record<string, number> = {};
  for (const c of slack?.calls ?? []) calls[c.method] = (calls[c.method] ?? 0) + 1;
  for (const c of graph?.calls ?? []) calls[`graph ${c.method} ${c.path}`] = (calls[`graph ${c.method} ${c.path}`] ?? 0) + 1;
  const violations = slack?.specViolations ?? [];
  const summary: FakesSummary = { calls, specViolations: violations.length, firstViolations: violations.slice(0, 5) };
  await Promise.allSettled([slack?.close(), graph?.close()]);
  process.send?.({ type: 'summary', summary }, () => process.exit(0));
}

process.on('message', (m: { type: string; slackToken?: string; graphToken?: string; users?: string[] }) => {
  if (m.type === 'start') {
    start({ slackToken: m.slackToken!, graphToken: m.graphToken!, users: m.users ?? [] }).catch((err: unknown) => {
      console.error('fake servers failed to start', err);
      process.exit(1);
    });
  } else if (m.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => process.exit(0));
