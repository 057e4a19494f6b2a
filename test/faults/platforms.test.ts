// Fault injection on the platforms Ponte talks to: Slack and the Graph API failing, rate limiting,
// or doing the work and then failing to say so. Ponte runs as an operator runs it (web and two
// workers as supervised child processes) on this file's own Postgres and Redis, under steady
// traffic in both directions with redeliveries. See docs/reliability.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataServices, type DataServices } from './support/data-services.js';
import { startStack, type Stack } from './support/stack.js';
import type { TrafficPlan } from './support/traffic.js';
import { SCENARIO_TIMEOUT_MS, expectNoCrash, expectNothingLostDuplicatedOrReordered, scenario, steady } from './support/scenario.js';

let services: DataServices;
let stack: Stack;
beforeAll(async () => {
  services = await startDataServices();
  stack = await startStack(services);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await services?.stop();
});

describe('faults: Slack and Graph failing', () => {
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
    // As after an outage, or a campaign: many new tickets at once, all into one channel. Each lane's
    // head competes with every other lane's for Slack's one post per second, so a post waits about
    // as many seconds as there are tickets before its turn.
    // The busy morning: 21 new tickets at once into one channel.
    const burst: TrafficPlan = { tag: 'burst', customers: 21, messagesEach: 1, repliesEach: 0, redeliverEvery: 3, stepMs: 0 };
    const limitedBefore = [...stack.slack.rateLimited.values()].reduce((a, b) => a + b, 0);
    try {
      // 21 cards and 21 messages at one post per second: at least 42 s; the bound leaves room for a
      // busy CI machine (using the allowance fully is the performance issue's work, not this one's).
      const o = await scenario(stack, burst, async () => {
        stack.slack.limitPerChannel({ perSecond: 1, retryAfter: 1 });
        for (let i = 0; i < 8; i++) stack.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
      }, 120_000);
      expect([...stack.slack.rateLimited.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(limitedBefore);
      expectNoCrash(o);
      expectNothingLostDuplicatedOrReordered(o);
    } finally {
      stack.slack.limitPerChannel(null);
    }
  }, SCENARIO_TIMEOUT_MS + 60_000);
});
