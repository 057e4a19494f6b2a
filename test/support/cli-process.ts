// Runs the real CLI (`node bin/ponte.js …`) as a child process and captures everything it writes,
// for tests that treat Ponte as a black box: exit codes, logs, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** Everything written so far to stdout / stderr. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout JSON line `pred` accepts; rejects when the process exits first or after the timeout. */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Every stdout line that parses as a JSON object. */
  jsonLines(): Record<string, unknown>[];
}

/**
 * Only what the child needs from this process (PATH, HOME…): nothing of the test runner's own
 * environment (NODE_OPTIONS, DATABASE_URL…) leaks into the configuration under test.
 */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
}

export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['bin/ponte.js', ...args], { cwd: REPO_ROOT, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));

  const jsonLines = () =>
    stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; }
    });

  return {
    child,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    jsonLines,
    async waitForLog(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = jsonLines().find(pred);
        if (hit) return hit;
        if (done || Date.now() > deadline) {
          throw new Error(`${done ? 'process exited' : 'timed out'} before the expected log line.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs a CLI command to completion (killing it after `timeoutMs`). */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 20_000) {
  const p = startCli(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  try {
    const { code, signal } = await p.exited;
    return { code, signal, stdout: p.stdout, stderr: p.stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Waits up to `timeoutMs` for the process to exit; undefined when it did not. */
export async function exitWithin(p: CliProcess, timeoutMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
