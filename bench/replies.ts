// Agent replies, sent open loop from the fakes process (bench/fakes.ts) the way each platform
// delivers them to Ponte: reply `seq` is due at t0 + seq/rate and goes into thread seq mod n.
// Slack: a signed Events API `message` in the ticket's thread, POSTed to /slack/events (its ack
// is timed). Discord: a gateway MESSAGE_CREATE by a person in the ticket's forum post (no ack).
import { performance } from 'node:perf_hooks';
import { slackHeaders, slackMessageEvent } from '../test/fixtures/slack.js';
import { personMessage, type Person } from '../test/fakes/discord/event-builders.js';
import type { FakeDiscord } from '../test/fakes/discord-api.js';
import { replyTextFor, type RepliesSent, type ReplyRun } from './children.js';

export const DISCORD_AGENT: Person = { id: '80351110224678912', username: 'bench-agent', global_name: 'Bench Agent', nick: 'Bench Agent', permissions: '0' };

async function slackReply(run: ReplyRun, seq: number): Promise<number> {
  const [channel, threadTs] = run.threads[seq % run.threads.length]!.split('/') as [string, string];
  const ts = `1800000000.${String(seq).padStart(6, '0')}`;
  const raw = JSON.stringify(slackMessageEvent({ channel, threadTs, user: run.slackAgent, text: run.text ?? replyTextFor(run.runId, seq), ts }));
  const started = performance.now();
  const res = await fetch(`${run.ponteUrl}/slack/events`, { method: 'POST', body: raw, headers: slackHeaders(raw, run.slackSigningSecret, { contentType: 'application/json' }) });
  await res.arrayBuffer();
  return res.status === 200 ? performance.now() - started : -1;
}

function discordReply(run: ReplyRun, seq: number, discord: FakeDiscord): void {
  const threadId = run.threads[seq % run.threads.length]!;
  discord.gateway.dispatch('MESSAGE_CREATE', personMessage(discord.world, threadId, DISCORD_AGENT, run.text ?? replyTextFor(run.runId, seq)));
}

export function sendReplies(run: ReplyRun, discord: FakeDiscord | undefined): Promise<RepliesSent> {
  const total = Math.round(run.rate * run.seconds);
  const sentAtMs = new Array<number>(total).fill(-1);
  const ackMs = new Array<number>(total).fill(-1);
  const interval = 1000 / run.rate;
  let next = 0;
  let outstanding = 0;
  return new Promise((resolve) => {
    const maybeDone = () => {
      if (next >= total && outstanding === 0) resolve({ sentAtMs, ackMs });
    };
    const fire = (seq: number) => {
      sentAtMs[seq] = Date.now();
      if (run.side === 'discord') {
        if (!discord) throw new Error('no fake Discord in this process');
        discordReply(run, seq, discord);
        return;
      }
      outstanding++;
      slackReply(run, seq).then(
        (ms) => (ackMs[seq] = ms),
        () => (ackMs[seq] = -1),
      ).finally(() => {
        outstanding--;
        maybeDone();
      });
    };
    const t0 = performance.now();
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) fire(next++);
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
      else maybeDone();
    };
    tick();
  });
}
