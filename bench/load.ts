// The open-loop load generator, run as a child process of bench/webhook-bench.ts (IPC).
// Request `seq` is due at t0 + seq/rate whatever happened to earlier requests; a request that
// would exceed `maxOutstanding` in flight is dropped and counted, never queued.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signMeta, waTextMessage } from '../test/fixtures/meta.js';
import { textFor, type LoadResult, type LoadSpec } from './children.js';

function contactFor(index: number): { from: string; name: string } {
  return { from: `55119${String(index).padStart(8, '0')}`, name: `Bench Contact ${index}` };
}

function run(spec: LoadSpec): Promise<LoadResult> {
  const warmup = Math.round(spec.warmupSeconds * spec.rate);
  const total = warmup + Math.round(spec.seconds * spec.rate);
  const sentAtMs = new Array<number>(total).fill(-1);
  const ackMs = new Array<number>(total).fill(-1);
  const status = new Array<number>(total).fill(0);
  const lateMs = new Array<number>(total).fill(0);
  const target = new URL(spec.path, spec.target);
  // Like Meta: many concurrent keep-alive connections, reused between deliveries.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512 });
  const interval = 1000 / spec.rate;
  let outstanding = 0;
  let maxOutstandingSeen = 0;
  let dropped = 0;
  let next = 0;

  return new Promise<LoadResult>((resolve) => {
    const maybeDone = () => {
      if (next < total || outstanding > 0) return;
      agent.destroy();
      resolve({ label: spec.label, scheduled: total, warmup, dropped, sentAtMs, ackMs, status, lateMs, maxOutstandingSeen });
    };

    const fire = (seq: number, late: number) => {
      lateMs[seq] = late;
      if (outstanding >= spec.maxOutstanding) {
        dropped++;
        return;
      }
      const who = contactFor(Math.floor(Math.random() * spec.contacts));
      const raw = JSON.stringify(waTextMessage({ phoneNumberId: spec.phoneNumberId, from: who.from, name: who.name, text: textFor(spec.runId, seq) }));
      const body = Buffer.from(raw);
      outstanding++;
      maxOutstandingSeen = Math.max(maxOutstandingSeen, outstanding);
      let done = false;
      const finish = (code: number, started: bigint) => {
        if (done) return;
        done = true;
        outstanding--;
        status[seq] = code;
        ackMs[seq] = code === 200 ? Number(process.hrtime.bigint() - started) / 1e6 : -1;
        maybeDone();
      };
      sentAtMs[seq] = Date.now();
      const started = process.hrtime.bigint();
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          timeout: spec.timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': signMeta(body, spec.appSecret) },
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(res.statusCode ?? 0, started));
          res.on('error', () => finish(0, started));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => finish(0, started));
      req.end(body);
    };

    const t0 = performance.now() + 20;
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        fire(next, now - (t0 + next * interval));
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
      else maybeDone();
    };
    setTimeout(() => {
      process.send?.({ type: 'started' });
      tick();
    }, 20);
  });
}

process.on('message', (m: { type: string; spec?: LoadSpec }) => {
  if (m.type !== 'run' || !m.spec) return;
  run(m.spec).then(
    // Stay alive until the parent has read our CPU time; it ends us (or we go when it does).
    (result) => process.send?.({ type: 'result', result }),
    (err: unknown) => process.send?.({ type: 'error', error: String(err) }, () => process.exit(1)),
  );
});
// If the orchestrator dies, so do we.
process.on('disconnect', () => process.exit(0));
