import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, realpath } from 'node:fs/promises';
import type { Socket } from 'node:net';
import path from 'node:path';
import { findRedisServer } from './redis-binary.js';
import { answersPing, redisDir, shutdownRedis, waitFor } from './redis-probe.js';
import { tail } from './run.js';
import { silentLog } from './types.js';
import type { LocalLog, LocalService, LocalServiceOptions } from './types.js';

export const DEFAULT_REDIS_PORT = 63799;

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A Redis we did not spawn: shut it down only if it serves our data directory. */
async function reuse(port: number, dir: string, fast: boolean, log: LocalLog): Promise<LocalService> {
  const ours = (await redisDir(port)) === dir;
  log.info(`Reusing the Redis already answering on 127.0.0.1:${port}${ours ? '' : ' (not started from this data directory; it will be left running)'}.`);
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (!ours) return;
    await shutdownRedis(port, fast);
    await waitFor(async () => !(await answersPing(port)), 10_000);
  };
  return { url: `redis://127.0.0.1:${port}`, stop: () => (stopping ??= stop()) };
}

/**
 * Runs redis-server as a child process with its data in `<dataDir>/redis`, bound to
 * 127.0.0.1. If the port already answers PING, that server is reused.
 */
export async function startLocalRedis(opts: LocalServiceOptions): Promise<LocalService> {
  const log = opts.log ?? silentLog;
  const port = opts.port ?? DEFAULT_REDIS_PORT;
  const fast = opts.fast ?? false;
  const requestedDir = path.join(path.resolve(opts.dataDir), 'redis');
  await mkdir(requestedDir, { recursive: true });
  // Redis reports its dir with symlinks resolved (e.g. macOS /var -> /private/var).
  const dir = await realpath(requestedDir);
  if (await answersPing(port)) return reuse(port, dir, fast, log);

  const binary = await findRedisServer(opts.binaries ?? {}, log);
  // Durable enough for development (AOF, fsync once a second); nothing at all for throwaway runs.
  const persistence = fast ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  const logFile = path.join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--logfile', logFile, '--save', '', ...persistence];
  log.info(`Starting Redis (${binary}) on 127.0.0.1:${port}, data in ${dir}`);
  // Output goes to the log file; stderr is kept only for errors Redis prints before opening it.
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  // `on`, not `once`: a later error (say, a failed kill) must not crash Ponte as unhandled.
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));
  // If Ponte exits without stop() (a thrown error, process.exit), don't leave an orphan behind.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  const ready = await Promise.race([waitFor(async () => exited(child) || (await answersPing(port)), 15_000), spawnError]);
  if (ready !== true || exited(child)) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    const serverLog = await readFile(logFile, 'utf8').catch(() => '');
    const reason = ready instanceof Error ? ready.message : tail(`${stderr}\n${serverLog}`);
    throw new Error(`Redis failed to start on 127.0.0.1:${port}:\n${reason}`);
  }
  // The server must not keep Ponte's event loop alive by itself; stop() or the exit hook ends it.
  child.unref();
  (child.stderr as Socket | null)?.unref();

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    // SIGTERM is Redis's graceful shutdown: it flushes the AOF when there is one.
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      log.warn(`Redis on port ${port} ignored SIGTERM for 10 s; killing it.`);
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
    log.info(`Stopped Redis on 127.0.0.1:${port}`);
  };
  return { url: `redis://127.0.0.1:${port}`, stop: () => (stopping ??= stop()) };
}
