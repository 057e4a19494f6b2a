// Ponte in its own process, started from a tree of code: this checkout (the default) or a
// baseline extracted by bench/baseline.ts. `--workers process` runs the worker role here
// (`ponte start --role worker`); with `--baseline` every side's Ponte runs here, so the current
// code and the baseline are placed alike. The tree's own startPonte runs its own migrations.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Ponte, Role, startPonte as StartPonte } from '../src/main.js';

interface Start { type: 'start'; env?: Record<string, string>; tree?: string; role?: Role; listen?: boolean }

let ponte: Ponte | undefined;

async function start(m: Start): Promise<Ponte> {
  const main = m.tree ? pathToFileURL(path.join(m.tree, 'src', 'main.ts')).href : '../src/main.js';
  const { startPonte } = (await import(main)) as { startPonte: typeof StartPonte };
  return startPonte({ role: m.role ?? 'worker', listen: m.listen ?? false, env: m.env ?? {} });
}

process.on('message', (m: Start | { type: 'stop' }) => {
  if (m.type === 'start') {
    start(m).then(
      (p) => {
        ponte = p;
        process.send?.({ type: 'ready', url: p.url });
      },
      (err: unknown) => process.send?.({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
    );
  } else if (m.type === 'stop') {
    void (ponte?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  void (ponte?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
