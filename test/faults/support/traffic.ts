// Steady traffic in both directions, delivered the way the platforms deliver it: customers write
// numbered WhatsApp texts ("f-c3 #7") through signed Meta webhooks, agents answer in each ticket's
// Slack thread ("f-a3 #2") through signed Events API callbacks. Some deliveries come twice (Meta
// redelivers the same body, late; Slack retries with x-slack-retry-num). Like the platforms, the
// driver re-sends whatever was not answered 200 until it is: a webhook refused during an outage is
// the platform's to retry, and such retries are redeliveries too.
import { CHANNEL, PHONE_ID, SECRETS } from '../../support/platform-env.js';
import { metaHeaders, waTextMessage } from '../../fixtures/meta.js';
import { slackHeaders, slackMessageEvent } from '../../fixtures/slack.js';
import type { Stack } from './stack.js';

export interface TrafficPlan {
  /** Prefix of every text, unique per scenario. */
  tag: string;
  customers: number;
  messagesEach: number;
  /** Agent replies per ticket, interleaved with the customer's messages (at most messagesEach). */
  repliesEach: number;
  /** Every n-th delivery of each kind is delivered a second time (0: never). */
  redeliverEvery: number;
  /** Pause between one customer's steps; 0 sends everything at once (a burst). */
  stepMs: number;
  /** Two more tickets: one gets `!resolve in <resolveInS>s`, the other `!schedule in <scheduleInS>s …`. */
  timers?: { resolveInS: number; scheduleInS: number };
}

export interface Customer {
  index: number;
  phone: string;
  name: string;
  /** Their ticket's thread (the card's ts), once Slack shows it. */
  thread?: string;
}

export interface Traffic {
  plan: TrafficPlan;
  customers: Customer[];
  /** The customers who got a timer, when the plan has timers. */
  timerCustomers?: { resolve: Customer; schedule: Customer; scheduledText: string };
  /** Resolves once this share (0..1) of the planned first deliveries was answered 200. */
  reached(share: number): Promise<void>;
  /** Resolves once both timers are set (their notices are in the threads). */
  timersArmed(): Promise<void>;
  /** Everything delivered (or given up on: see `problems`). */
  done: Promise<void>;
  /** When the traffic began (ms since the epoch). */
  startedAt: number;
  /** What the driver could not do (a webhook never accepted, a thread that never appeared). */
  problems: string[];
}

const DELIVERY_BOUND_MS = 60_000;
const THREAD_BOUND_MS = 45_000;

export const customerText = (tag: string, i: number, n: number) => `${tag}-c${i} #${n}`;
export const agentText = (tag: string, i: number, n: number) => `${tag}-a${i} #${n}`;

// Agents' message ts, unique across every scenario sharing a deployment (the ts is their identity).
let agentTs = 0;
const nextTs = () => `1800000000.${String(++agentTs).padStart(6, '0')}`;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startTraffic(stack: Stack, plan: TrafficPlan): Traffic {
  const startedAt = Date.now();
  const problems: string[] = [];
  const customers: Customer[] = Array.from({ length: plan.customers }, (_, k) => customerNo(plan.tag, k + 1));
  const planned = plan.customers * (plan.messagesEach + Math.min(plan.repliesEach, plan.messagesEach));
  let delivered = 0;
  let deliveries = 0;
  const redeliver = () => plan.redeliverEvery > 0 && ++deliveries % plan.redeliverEvery === 0;

  /** POSTs until answered 200, as Meta and Slack retry; false when the bound passes. */
  async function deliver(path: string, raw: string, headers: (attempt: number) => Record<string, string>, what: string): Promise<boolean> {
    const deadline = Date.now() + DELIVERY_BOUND_MS;
    for (let attempt = 0; ; attempt++) {
      const status = await fetch(`${stack.base}${path}`, { method: 'POST', body: raw, headers: headers(attempt), signal: AbortSignal.timeout(5000) })
        .then((r) => r.status, () => 0);
      if (status === 200) return true;
      if (Date.now() > deadline) {
        problems.push(`${what}: not accepted within ${DELIVERY_BOUND_MS / 1000} s (last answer ${status || 'no answer'})`);
        return false;
      }
      await pause(300);
    }
  }
  const metaRaw = (c: Customer, text: string) => JSON.stringify(waTextMessage({ phoneNumberId: PHONE_ID, from: c.phone, name: c.name, text }));
  const postMeta = (raw: string, what: string) => deliver('/webhooks/meta', raw, () => metaHeaders(raw, SECRETS.meta), what);
  const postSlack = (raw: string, what: string, firstRetry = 0) =>
    deliver('/slack/events', raw, (attempt) => slackHeaders(raw, SECRETS.slackSigning, attempt + firstRetry > 0 ? { retryNum: attempt + firstRetry } : {}), what);
  const agentSays = async (c: Customer, text: string, countsAsTraffic: boolean) => {
    const raw = JSON.stringify(slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text, threadTs: c.thread!, ts: nextTs() }));
    if (!(await postSlack(raw, `agent "${text}"`))) return;
    if (countsAsTraffic) delivered++;
    if (countsAsTraffic && redeliver()) await postSlack(raw, `agent "${text}" (Slack retry)`, 1);
  };

  async function waitForThread(c: Customer, firstText: string): Promise<boolean> {
    const deadline = Date.now() + THREAD_BOUND_MS;
    while (Date.now() < deadline) {
      const posted = [...stack.slack.messages.values()].find((m) => m.text === firstText && m.thread_ts);
      if (posted) {
        c.thread = posted.thread_ts;
        return true;
      }
      await pause(100);
    }
    problems.push(`${c.name}: no Slack thread within ${THREAD_BOUND_MS / 1000} s of their first message`);
    return false;
  }

  async function runCustomer(c: Customer): Promise<void> {
    let previous: string | undefined;
    for (let n = 1; n <= plan.messagesEach; n++) {
      const text = customerText(plan.tag, c.index, n);
      const raw = metaRaw(c, text);
      if (await postMeta(raw, `customer "${text}"`)) delivered++;
      // A redelivery comes late: after the next message, so it must neither duplicate nor reorder.
      if (previous && redeliver()) await postMeta(previous, `customer message before "${text}" (Meta redelivery)`);
      previous = raw;
      // Agents answer in the thread, so they need it; a customer-only burst does not wait.
      if (n === 1 && plan.repliesEach > 0 && !(await waitForThread(c, text))) return;
      if (n <= plan.repliesEach) await agentSays(c, agentText(plan.tag, c.index, n), true);
      if (plan.stepMs) await pause(plan.stepMs);
    }
    if (previous && redeliver()) await postMeta(previous, 'last customer message (Meta redelivery)');
  }

  let timerCustomers: Traffic['timerCustomers'];
  let armTimers: Promise<void> = Promise.resolve();
  if (plan.timers) {
    const { resolveInS, scheduleInS } = plan.timers;
    const resolve = customerNo(plan.tag, 901, 'Timer R');
    const schedule = customerNo(plan.tag, 902, 'Timer S');
    const scheduledText = `${plan.tag}-scheduled hello`;
    timerCustomers = { resolve, schedule, scheduledText };
    const arm = async (c: Customer, command: string, notice: string) => {
      const first = `${plan.tag}-timer ${c.index}`;
      if (!(await postMeta(metaRaw(c, first), `timer customer ${c.index}`)) || !(await waitForThread(c, first))) return;
      await agentSays(c, command, false);
      const deadline = Date.now() + THREAD_BOUND_MS;
      while (![...stack.slack.messages.values()].some((m) => m.thread_ts === c.thread && m.text?.startsWith(notice))) {
        if (Date.now() > deadline) return void problems.push(`${c.name}: "${command}" was never confirmed in the thread`);
        await pause(100);
      }
    };
    armTimers = Promise.all([
      arm(resolve, `!resolve in ${resolveInS}s`, '⏰ Maria scheduled'),
      arm(schedule, `!schedule in ${scheduleInS}s ${scheduledText}`, '🕒 Scheduled'),
    ]).then(() => {});
  }

  const done = Promise.all([...customers.map(runCustomer), armTimers]).then(() => {});
  return {
    plan,
    customers,
    timerCustomers,
    async reached(share) {
      while (delivered < share * planned) {
        if (await Promise.race([done.then(() => true), pause(50).then(() => false)])) return;
      }
    },
    timersArmed: () => armTimers,
    done,
    startedAt,
    problems,
  };
}

function customerNo(tag: string, index: number, name = `Cliente ${index}`): Customer {
  // A distinct phone per scenario and customer: 55 11 9 + tag hash + index.
  const salt = [...tag].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 9000, 7) + 1000;
  return { index, phone: `55119${salt}${String(index).padStart(4, '0')}`, name: `${name} ${tag}` };
}
