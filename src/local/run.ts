import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  output: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a command to completion and returns its exit code with stdout and stderr interleaved,
 * so that a failure can be reported with what the tool itself said. Never rejects on a
 * non-zero exit: callers decide what a failure means.
 */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // stdin is ignored so that a tool that unexpectedly prompts fails instead of hanging.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The last lines of a tool's output, enough to explain a failure without flooding the log. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
