// Fault injection, with Ponte run as an operator runs it: one `web` and two `worker` processes
// (children, restarted by a supervisor when they exit, as systemd would), the suite's own Postgres
// and Redis (so they can be restarted and flushed), fake Slack and Graph APIs. Under steady traffic
// in both directions, with redeliveries, each scenario hurts one thing and then asserts what the
// reliability contract promises (DESIGN §7): nothing lost, nothing duplicated, nothing reordered
// per ticket, every timer exactly once, drained within a bound. docs/reliability.md explains it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataServices, type DataServices } from './support/data-services.js';
import { startStack, type Stack } from './support/stack.js';
import type { ProcessExit } from './support/supervisor.js';
import { startTraffic, type Traffic, type TrafficPlan } from './support/traffic.js';
import { clean, drain, report, type Findings } from './support/checks.js';

const SCENARIO_TIMEOUT_MS = 150_000;
/** From the end of the traffic to everything delivered (sweeps every second; the sweeper's grace is 5 s). */
const DRAIN_BOUND_MS = 30_000;

/** Six tickets in both directions, paced over a few seconds, every fourth delivery twice, plus two timers. */
const steady = (tag: string): TrafficPlan => ({
  tag, customers: 6, messagesEach: 6, repliesEach: 5, redeliverEvery: 4, stepMs: 400,
  // Due well after the fault and the recovery from it.
  timers: { resolveInS: 10, scheduleInS: 11 },
});

let services: DataServices;
beforeAll(async () => {
  services = await startDataServices();
}, 120_000);
afterAll(async () => services?.stop());

interface Outcome {
  stack: Stack;
  traffic: Traffic;
  findings: Findings & { drainedInMs?: number };
  pidsBefore: Record<string, number | undefined>;
  /** Exits the supervisors saw during this scenario. */
  exits: ProcessExit[];
}

/** Runs the traffic on a running deployment with `fault` injected meanwhile, and drains. */
async function scenario(stack: Stack, plan: TrafficPlan, fault: (traffic: Traffic) => Promise<void>, boundMs = DRAIN_BOUND_MS): Promise<Outcome> {
  const pidsBefore = stack.pids();
  const exitsBefore = stack.exits().length;
  const traffic = startTraffic(stack, plan);
  await fault(traffic);
  await traffic.done;
  const trafficMs = Date.now() - traffic.startedAt;
  const findings = await drain(stack, traffic, boundMs);
  const drained = findings.drainedInMs === undefined ? `NOT drained within ${boundMs} ms` : `drained in ${findings.drainedInMs} ms`;
  console.log(`[faults] ${plan.tag}: traffic ${trafficMs} ms, ${drained}\n${report(findings)}`);
  return { stack, traffic, findings, pidsBefore, exits: stack.exits().slice(exitsBefore) };
}

function expectNothingLostDuplicatedOrReordered(o: Outcome): void {
  expect(clean(o.findings), report(o.findings)).toBe(true);
  expect(o.findings.drainedInMs, `not drained within the bound:\n${report(o.findings)}`).toBeDefined();
}

const describeExit = (e: ProcessExit) => `${e.name} (pid ${e.pid}) exited ${e.signal ?? `with code ${e.code}`}: ${e.evidence}`;

function expectNoCrash(o: Outcome): void {
  expect(o.exits.filter((e) => !e.requested).map(describeExit), 'processes died').toEqual([]);
}

function expectNoProcessRestarted(o: Outcome): void {
  expect(o.exits.map(describeExit), 'processes died').toEqual([]);
  expect(o.stack.pids()).toEqual(o.pidsBefore);
}

// Faults the deployment survives (with the supervisor's help for kill -9): one deployment for all.
describe('faults: workers killed, platforms failing', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(services);
  }, 120_000);
  afterAll(async () => stack?.close());

  it('kill -9 of a worker mid-traffic: the supervisor restarts it; nothing lost, duplicated or reordered', async () => {
    const o = await scenario(stack, steady('kill1'), async (traffic) => {
      await traffic.reached(0.4);
      stack.workers[0]!.kill('SIGKILL');
      await stack.workers[0]!.ready();
    });
    expectNoCrash(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);

  it('kill -9 of both workers at once: nothing lost, duplicated or reordered', async () => {
    const o = await scenario(stack, steady('kill2'), async (traffic) => {
      await traffic.reached(0.4);
      for (const w of stack.workers) w.kill('SIGKILL');
      await Promise.all(stack.workers.map((w) => w.ready()));
    });
    expectNoCrash(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);

  it('bursts of 5xx from Slack and Graph mid-traffic delay, never lose or duplicate', async () => {
    const failedBefore = stack.failedGraphCalls.size;
    const o = await scenario(stack, steady('5xx'), async (traffic) => {
      await traffic.reached(0.3);
      for (let i = 0; i < 6; i++) stack.slack.failNext('chat.postMessage', { status: i % 2 ? 503 : 500 });
      stack.failGraphSends({ status: 500, error: { message: 'An unknown error occurred', type: 'OAuthException', code: 131000 } }, 6);
    });
    expect(stack.failedGraphCalls.size - failedBefore).toBe(6);
    expectNoCrash(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);

  it('a Slack post that lands but answers 500 is not posted twice', async () => {
    const plan: TrafficPlan = { tag: 'landed', customers: 3, messagesEach: 4, repliesEach: 2, redeliverEvery: 0, stepMs: 400 };
    const o = await scenario(stack, plan, async (traffic) => {
      await traffic.reached(0.3);
      for (let i = 0; i < 2; i++) stack.slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    });
    expectNoCrash(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);

  it('a burst of new tickets into one channel under a 429 storm and Slack’s per-channel limit loses nothing', async () => {
    const burst: TrafficPlan = { tag: 'burst', customers: 8, messagesEach: 2, repliesEach: 0, redeliverEvery: 3, stepMs: 0 };
    const limitedBefore = [...stack.slack.rateLimited.values()].reduce((a, b) => a + b, 0);
    try {
      // 8 cards and 16 messages at one post per second: about 25 s when nothing is lost.
      const o = await scenario(stack, burst, async () => {
        stack.slack.limitPerChannel({ perSecond: 1, retryAfter: 1 });
        for (let i = 0; i < 8; i++) stack.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
      }, 60_000);
      expect([...stack.slack.rateLimited.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(limitedBefore);
      expectNoCrash(o);
      expectNothingLostDuplicatedOrReordered(o);
    } finally {
      stack.slack.limitPerChannel(null);
    }
  }, SCENARIO_TIMEOUT_MS);
});

// The data services themselves: the promise is that no process needs restarting at all.
describe('faults: Postgres restarted, Redis flushed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(services);
  }, 120_000);
  afterAll(async () => stack?.close());

  it('Postgres restarted mid-traffic: no process restarts, nothing lost, duplicated or reordered, each timer fires once', async () => {
    const o = await scenario(stack, steady('pgrestart'), async (traffic) => {
      await traffic.timersArmed();
      await traffic.reached(0.4);
      await services.restartPostgres(2000);
    });
    expectNoProcessRestarted(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);

  it('Redis flushed mid-traffic with timers pending: no process restarts, nothing lost, duplicated or reordered, each timer fires once', async () => {
    const o = await scenario(stack, steady('flush'), async (traffic) => {
      await traffic.timersArmed();
      await traffic.reached(0.4);
      await services.flushRedis();
    });
    expectNoProcessRestarted(o);
    expectNothingLostDuplicatedOrReordered(o);
  }, SCENARIO_TIMEOUT_MS);
});
