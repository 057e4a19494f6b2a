// What the customers and agents ended up seeing, compared with what the traffic sent: per ticket,
// the Slack thread must show each customer text once and in order, and WhatsApp (the Graph fake)
// must have received each agent reply once and in order; every timer fires exactly once. The
// result is a readable list of what was lost, duplicated or reordered, with the evidence found in
// the database (failed or uncertain outbox rows) and in the processes (unexpected exits).
import { CHANNEL } from '../../support/platform-env.js';
import type { GraphCall } from '../../fakes/graph-api.js';
import { agentText, customerText, type Customer, type Traffic } from './traffic.js';
import type { Stack } from './stack.js';

export interface Findings {
  lost: string[];
  duplicated: string[];
  reordered: string[];
  timers: string[];
  /** Not failures by themselves: sends marked uncertain (shown to the agent, never resent), failed rows, driver problems. */
  evidence: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compares the numbers seen (in arrival order) with 1..expected. */
function compareSequence(label: string, seen: number[], expected: number, f: Findings, uncertain: (n: number) => boolean): void {
  const counts = new Map<number, number>();
  for (const n of seen) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (let n = 1; n <= expected; n++) {
    if (counts.has(n)) continue;
    if (uncertain(n)) f.evidence.push(`${label} #${n}: uncertain (interrupted mid-send, shown to the agent, not resent)`);
    else f.lost.push(`${label} #${n}`);
  }
  for (const [n, count] of counts) if (count > 1) f.duplicated.push(`${label} #${n} ×${count}`);
  const firsts = [...new Set(seen)];
  if (firsts.some((n, i) => i > 0 && n < firsts[i - 1]!)) f.reordered.push(`${label}: arrived as ${firsts.join(', ')}`);
}

const textSends = (stack: Stack, phone: string): string[] =>
  stack.graph.sends()
    .filter((c: GraphCall) => !stack.failedGraphCalls.has(c))
    .map((c) => c.body as { to?: string; type?: string; text?: { body?: string } })
    .filter((b) => b.to === phone && b.type === 'text')
    .map((b) => b.text?.body ?? '');

async function outboxEvidence(stack: Stack): Promise<{ uncertainTexts: string[]; failed: string[] }> {
  try {
    const rows = await stack.db.sql<{ kind: string; state: string; attempts: number; last_error: string | null; text: string | null }[]>`
      SELECT kind, state, attempts, last_error, payload->>'text' AS text FROM outbox WHERE state IN ('failed', 'uncertain') ORDER BY id`;
    return {
      uncertainTexts: rows.filter((r) => r.state === 'uncertain' && r.text).map((r) => r.text!),
      failed: rows.filter((r) => r.state === 'failed').map((r) => `outbox ${r.kind} failed after ${r.attempts} attempts: ${r.last_error ?? '?'}`),
    };
  } catch (err) {
    return { uncertainTexts: [], failed: [`(could not read the outbox: ${(err as Error).message})`] };
  }
}

const TIMED_LINE = /^`\d\d:\d\d` /;
const linesOf = (text: string): string[] => {
  const lines = text.split('\n');
  return lines.length > 1 && lines.every((l) => TIMED_LINE.test(l)) ? lines.map((l) => l.replace(TIMED_LINE, '')) : [text];
};

/** Posts in one thread with the same text: duplicates, unless each is a notice of its own (see sameTextPosts). */
interface SamePosts { label: string; keys: string[] }

function checkTicket(stack: Stack, traffic: Traffic, c: Customer, uncertainTexts: string[], f: Findings, samePosts: SamePosts[]): void {
  const { tag, messagesEach, repliesEach } = traffic.plan;
  // Customer → Slack: what Slack shows (successful posts, chat.update applied), in post order.
  const pattern = new RegExp(`^${escape(tag)}-c${c.index} #(\\d+)$`);
  // A merged post (src/pipeline/merge.ts, PONTE_MERGE_QUEUED) carries several messages, a timed line each.
  const posts = [...stack.slack.messages.values()].flatMap((m) => linesOf(m.text ?? '').map((text) => ({ ...m, text }))).filter((m) => pattern.test(m.text));
  const threads = new Set(posts.map((m) => m.thread_ts ?? '(top level)'));
  const cards = [...stack.slack.messages.values()].filter((m) => !m.thread_ts && m.channel === CHANNEL && (m.text ?? '').includes(`: ${c.name} on `)).length;
  if (cards > 1) f.duplicated.push(`${c.name}: ticket card ×${cards}`);
  if (threads.size > 1) f.duplicated.push(`${c.name}: their messages are split across ${threads.size} threads (${[...threads].join(', ')})`);
  compareSequence(`Slack ← ${customerText(tag, c.index, 0).replace(/ #0$/, '')}`, posts.map((m) => Number(pattern.exec(m.text!)![1])), messagesEach, f, () => false);
  // Ponte's own posts in the thread (notices): none of the traffic's is ever posted twice.
  const thread = c.thread ?? posts[0]?.thread_ts;
  const own = new Map<string, string[]>();
  for (const [key, m] of stack.slack.messages) {
    if (m.thread_ts === thread && !pattern.test(m.text ?? '')) own.set(m.text ?? '', [...(own.get(m.text ?? '') ?? []), key]);
  }
  for (const [text, keys] of own) if (thread && keys.length > 1) samePosts.push({ label: `${c.name}'s thread: "${text.slice(0, 80)}" ×${keys.length}`, keys });
  // Agent → WhatsApp: the signed body contains the agent's text.
  const replies = new RegExp(`${escape(tag)}-a${c.index} #(\\d+)$`);
  const sent = textSends(stack, c.phone).flatMap((body) => { const m = replies.exec(body); return m ? [Number(m[1])] : []; });
  compareSequence(`WhatsApp ← ${agentText(tag, c.index, 0).replace(/ #0$/, '')}`, sent, Math.min(repliesEach, messagesEach), f,
    (n) => uncertainTexts.some((t) => t.endsWith(agentText(tag, c.index, n))));
}

async function checkTimers(stack: Stack, traffic: Traffic, f: Findings): Promise<void> {
  const timers = traffic.timerCustomers;
  if (!timers) return;
  const { resolve, schedule, scheduledText } = timers;
  // Scheduled resolve: resolved once in the database, one notice, one farewell, the card says so.
  const tickets = await stack.db.sql<{ status: string }[]>`
    SELECT t.status FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${resolve.phone}`.catch(() => undefined);
  if (!tickets) f.timers.push('scheduled resolve: could not read its ticket');
  else if (tickets.length !== 1 || tickets[0]!.status !== 'resolved') f.timers.push(`scheduled resolve: ticket states ${JSON.stringify(tickets.map((t) => t.status))}, expected ["resolved"]`);
  const notices = [...stack.slack.messages.values()].filter((m) => m.thread_ts === resolve.thread && /resolved by/.test(m.text ?? '')).length;
  if (notices !== 1) f.timers.push(`scheduled resolve: ${notices} "resolved by" notices in the thread, expected 1`);
  const farewells = textSends(stack, resolve.phone).filter((b) => b.startsWith('Tchau')).length;
  if (farewells !== 1) f.timers.push(`scheduled resolve: ${farewells} farewells sent, expected 1`);
  const card = resolve.thread ? stack.slack.messages.get(`${CHANNEL}/${resolve.thread}`) : undefined;
  if (!JSON.stringify(card?.blocks ?? '').includes(':white_check_mark:')) f.timers.push('scheduled resolve: the card does not show the ticket resolved');
  // Scheduled message: sent once.
  const sends = textSends(stack, schedule.phone).filter((b) => b.endsWith(scheduledText)).length;
  if (sends !== 1) f.timers.push(`scheduled message: reached WhatsApp ${sends} times, expected 1`);
}

export async function inspect(stack: Stack, traffic: Traffic): Promise<Findings> {
  const f: Findings = { lost: [], duplicated: [], reordered: [], timers: [], evidence: [] };
  const { uncertainTexts, failed } = await outboxEvidence(stack);
  const samePosts: SamePosts[] = [];
  for (const c of traffic.customers) checkTicket(stack, traffic, c, uncertainTexts, f, samePosts);
  await sameTextPosts(stack, samePosts, f);
  await checkTimers(stack, traffic, f);
  f.evidence.push(...failed, ...traffic.problems.map((p) => `traffic: ${p}`));
  for (const e of stack.exits().filter((x) => x.at >= traffic.startedAt)) {
    f.evidence.push(`${e.name} (pid ${e.pid}) exited ${e.signal ?? `with code ${e.code}`}${e.requested ? ' (killed by the test)' : ''}${e.evidence ? `:\n    ${e.evidence.replaceAll('\n', '\n    ')}` : ''}`);
  }
  return f;
}

/**
 * Two notices with the same words are not a duplicate when Ponte wrote two (e.g. two replies of a
 * ticket each interrupted by a database restart, each explained): each post is then linked to a
 * message of its own. A post linked to no message, or two posts of one message, is a duplicate.
 */
async function sameTextPosts(stack: Stack, candidates: SamePosts[], f: Findings): Promise<void> {
  for (const { label, keys } of candidates) {
    const ids = keys.map((k) => k.replace('/', ':'));
    const rows = await stack.db.sql<{ messages: number; links: number }[]>`
      SELECT count(DISTINCT message_id)::int AS messages, count(*)::int AS links FROM message_links
      WHERE platform = 'slack' AND external_id = ANY(${ids})`.catch(() => undefined);
    const row = rows?.[0];
    if (row && row.messages === keys.length && row.links === keys.length) f.evidence.push(`${label}: ${keys.length} notices Ponte wrote, each posted once`);
    else f.duplicated.push(`${label}${row ? ` (linked to ${row.messages} message(s))` : ''}`);
  }
}

export const clean = (f: Findings): boolean => f.lost.length + f.duplicated.length + f.reordered.length + f.timers.length === 0;

/**
 * Work Ponte still has in Postgres for this traffic's tickets (a deployment may carry leftovers of
 * an earlier scenario): inbound events since it began, outbox rows, timers not yet fired.
 */
async function pendingWork(stack: Stack, traffic: Traffic): Promise<number> {
  const phones = [...traffic.customers, ...(traffic.timerCustomers ? [traffic.timerCustomers.resolve, traffic.timerCustomers.schedule] : [])].map((c) => c.phone);
  try {
    const [row] = await stack.db.sql<{ n: number }[]>`
      WITH mine AS (SELECT t.id, t.status, t.scheduled_close_at FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ANY(${phones}))
      SELECT (SELECT count(*) FROM inbound_events WHERE state = 'pending' AND received_at >= ${new Date(traffic.startedAt)})
           + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending') AND lane IN (SELECT 't' || id || '-agent' FROM mine UNION SELECT 't' || id || '-customer' FROM mine))
           + (SELECT count(*) FROM mine WHERE scheduled_close_at IS NOT NULL AND status <> 'resolved')
           + (SELECT count(*) FROM scheduled_messages WHERE state = 'pending' AND ticket_id IN (SELECT id FROM mine)) AS n`;
    return Number(row!.n);
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits (bounded, from the end of the traffic) until Postgres holds no pending work for the
 * traffic's tickets, then watches a quiet window in which late duplicates (a timer firing twice, a
 * retried post) would show, and returns the findings. It does not fail by itself: the caller
 * asserts on the findings.
 */
export async function drain(stack: Stack, traffic: Traffic, boundMs: number): Promise<Findings & { drainedInMs?: number }> {
  await traffic.done;
  const started = Date.now();
  for (;;) {
    // With no work left in Postgres, what has not arrived never will.
    if ((await pendingWork(stack, traffic)) === 0) break;
    if (Date.now() - started > boundMs) return inspect(stack, traffic);
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainedInMs = Date.now() - started;
  // Two sweeps and a bit: what would repeat (a re-armed timer, a retried post) has had its chance.
  await new Promise((r) => setTimeout(r, 2 * 1000 + 1000));
  return { ...(await inspect(stack, traffic)), drainedInMs };
}

/** The findings as a report for an assertion message. */
export function report(f: Findings): string {
  const section = (title: string, items: string[]) => (items.length ? [`${title} (${items.length}):`, ...items.map((i) => `  - ${i}`)] : []);
  return [
    ...section('LOST', f.lost),
    ...section('DUPLICATED', f.duplicated),
    ...section('REORDERED', f.reordered),
    ...section('TIMERS', f.timers),
    ...section('evidence', f.evidence),
  ].join('\n') || 'nothing lost, duplicated or reordered';
}
