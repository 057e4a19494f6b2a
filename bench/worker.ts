// Ponte's worker role in its own process (`ponte start --role worker`), for `--workers process`:
// the web process then only verifies, records and acknowledges webhooks.
import { startPonte, type Ponte } from '../src/main.js';

let ponte: Ponte | undefined;

process.on('message', (m: { type: string; env?: Record<string, string> }) => {
  if (m.type === 'start') {
    startPonte({ role: 'worker', listen: false, env: m.env ?? {} }).then(
      (p) => {
        ponte = p;
        process.send?.({ type: 'ready' });
      },
      (err: unknown) => process.send?.({ type: 'error', error: String(err) }, () => process.exit(1)),
    );
  } else if (m.type === 'stop') {
    void (ponte?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  void (ponte?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
