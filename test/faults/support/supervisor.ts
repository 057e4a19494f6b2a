// Runs one Ponte role as a child process and starts it again when it exits, as systemd's
// `Restart=always` would. That is the operator's machinery, not "restarting by hand": scenarios
// that must survive without any restart assert that no process exited (same pids throughout).
import { startCli, type CliProcess } from '../../support/cli-process.js';

export interface ProcessExit {
  name: string;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it exited (ms since the epoch). */
  at: number;
  /** The test killed it on purpose (kill -9 scenarios); other exits are crashes. */
  requested: boolean;
  /** The last lines it wrote to stderr and its last error-level log lines: why it died. */
  evidence: string;
}

export interface Supervised {
  name: string;
  /** The running process (the newest one after a restart). */
  current(): CliProcess;
  pid(): number | undefined;
  /** Resolves once the current process logged "ponte started". */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends a signal to the current process (kill -9 is 'SIGKILL'); the supervisor restarts it. */
  kill(signal: NodeJS.Signals): void;
  /** Every exit it saw that it did not ask for. */
  exits: ProcessExit[];
  /** Stops supervising and terminates the process (SIGTERM, then SIGKILL after a grace). */
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 250;

function evidenceOf(p: CliProcess): string {
  const errors = p.jsonLines().filter((l) => typeof l.level === 'number' && l.level >= 50).slice(-3).map((l) => JSON.stringify(l));
  const stderr = p.stderr.trim().split('\n').slice(-12).join('\n');
  return [...errors, stderr].filter(Boolean).join('\n');
}

export function supervise(name: string, args: string[], env: Record<string, string>): Supervised {
  let proc = startCli(args, env);
  let stopping = false;
  const killed = new Set<CliProcess>();
  const exits: ProcessExit[] = [];

  const watch = (p: CliProcess): void => {
    void p.exited.then(({ code, signal }) => {
      if (stopping) return;
      exits.push({ name, pid: p.child.pid, at: Date.now(), code, signal, requested: killed.has(p), evidence: evidenceOf(p) });
      setTimeout(() => {
        if (stopping) return;
        proc = startCli(args, env);
        watch(proc);
      }, RESTART_DELAY_MS);
    });
  };
  watch(proc);

  return {
    name,
    current: () => proc,
    pid: () => proc.child.pid,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // A process that dies while starting is replaced: wait on whichever is current.
      for (;;) {
        const p = proc;
        try {
          await p.waitForLog((l) => l.msg === 'ponte started', Math.max(1, deadline - Date.now()));
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, RESTART_DELAY_MS * 2));
        }
      }
    },
    kill(signal) {
      killed.add(proc);
      proc.child.kill(signal);
    },
    exits,
    async stop() {
      stopping = true;
      const p = proc;
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
      await p.exited;
      clearTimeout(timer);
    },
  };
}
