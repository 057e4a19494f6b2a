// Fault injection on the processes and the data services, with Ponte run as an operator runs it:
// one `web` and two `worker` processes (children, restarted by a supervisor when they exit, as
// systemd would), this file's own Postgres and Redis (so they can be restarted and flushed), fake
// Slack and Graph APIs. Under steady traffic in both directions, with redeliveries, each scenario
// hurts one thing and asserts DESIGN §7: nothing lost, duplicated or reordered per ticket, every
// timer exactly once, drained within a bound. See docs/reliability.md.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startDataServices, type DataServices } from './support/data-services.js';
import { startStack, type Stack } from './support/stack.js';
import { SCENARIO_TIMEOUT_MS, expectNoCrash, expectNoProcessRestarted, expectNothingLostDuplicatedOrReordered, scenario, steady } from './support/scenario.js';

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

// One deployment for all four, in this order: each scenario checks only its own tickets, and the
// supervisor has replaced whatever an earlier one killed.
describe('faults: workers killed, Postgres restarted, Redis flushed', () => {
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
