import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { LocalLog } from './types.js';

/** A postmaster that, according to its lock file, is running on a data directory. */
export interface RunningPostmaster {
  pid: number;
  port: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the postgres account).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a container restart the PID in a stale lock file may belong to an unrelated process;
 * Postgres then refuses to start. Where /proc exists we can tell the two apart.
 */
async function looksLikePostgres(pid: number): Promise<boolean> {
  const hasProc = await readFile('/proc/self/comm').then(
    () => true,
    () => false,
  );
  if (!hasProc) return true; // e.g. macOS: trust the liveness check alone
  try {
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    return comm === 'postgres' || comm === 'postmaster';
  } catch {
    return false;
  }
}

/**
 * Reads postmaster.pid (line 1: PID, line 4: port). Returns the postmaster if it is alive;
 * removes the file if it is stale so that the next start does not trip over it.
 */
export async function findRunningPostmaster(pgData: string, log: LocalLog): Promise<RunningPostmaster | undefined> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await looksLikePostgres(pid))) {
    return { pid, port };
  }
  log.warn(`Removing stale ${pidFile} (PID ${lines[0] ?? '?'} is not a running Postgres).`);
  await unlink(pidFile).catch(() => {});
  return undefined;
}
