// The shape every fault scenario shares: run the traffic on a running deployment, inject the fault
// meanwhile, drain within a bound, print the findings, and assert on them.
import { expect } from 'vitest';
import { clean, drain, report, type Findings } from './checks.js';
import type { Stack } from './stack.js';
import type { ProcessExit } from './supervisor.js';
import { startTraffic, type Traffic, type TrafficPlan } from './traffic.js';

export const SCENARIO_TIMEOUT_MS = 150_000;
/** From the end of the traffic to everything delivered (sweeps every second; the sweeper's grace is 5 s). */
export const DRAIN_BOUND_MS = Number(process.env.TEST_DRAIN_BOUND_MS ?? 30_000);

/** Six tickets in both directions, paced over a few seconds, every fourth delivery twice, plus two timers. */
export const steady = (tag: string): TrafficPlan => ({
  tag, customers: 6, messagesEach: 5, repliesEach: 4, redeliverEvery: 4, stepMs: 400,
  // Due well after the fault and the recovery from it.
  timers: { resolveInS: 10, scheduleInS: 11 },
});

export interface Outcome {
  stack: Stack;
  traffic: Traffic;
  findings: Findings & { drainedInMs?: number };
  pidsBefore: Record<string, number | undefined>;
  /** Exits the supervisors saw during this scenario. */
  exits: ProcessExit[];
}

export async function scenario(stack: Stack, plan: TrafficPlan, fault: (traffic: Traffic) => Promise<void>, boundMs = DRAIN_BOUND_MS): Promise<Outcome> {
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

export function expectNothingLostDuplicatedOrReordered(o: Outcome): void {
  expect(clean(o.findings), report(o.findings)).toBe(true);
  expect(o.findings.drainedInMs, `not drained within the bound:\n${report(o.findings)}`).toBeDefined();
}

const describeExit = (e: ProcessExit) => `${e.name} (pid ${e.pid}) exited ${e.signal ?? `with code ${e.code}`}: ${e.evidence}`;

/** No process died that the test did not kill itself. */
export function expectNoCrash(o: Outcome): void {
  expect(o.exits.filter((e) => !e.requested).map(describeExit), 'processes died').toEqual([]);
}

/** No process exited at all: same pids as before the fault. */
export function expectNoProcessRestarted(o: Outcome): void {
  expect(o.exits.map(describeExit), 'processes died').toEqual([]);
  expect(o.stack.pids()).toEqual(o.pidsBefore);
}
