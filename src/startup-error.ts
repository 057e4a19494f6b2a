import { ConfigError } from './config.js';

interface SystemError {
  code?: string;
  address?: string;
  port?: number;
  syscall?: string;
}

/**
 * What went wrong at start-up, as one line that names the cause and the way out (a newcomer
 * reads this first; the stack is for LOG_LEVEL=debug). Known causes get their own words; any
 * other error is its message's first line.
 */
export function startupFailureLine(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.issues.join('; ')}`;
  const e = (err ?? {}) as SystemError;
  if (e.syscall === 'listen' || e.code === 'EADDRINUSE') {
    const where = `${e.address ?? 'the address'}:${e.port ?? '?'}`;
    if (e.code === 'EADDRINUSE') return `${where} is already in use: stop what listens there, or set PORT (and HOST) to a free one.`;
    if (e.code === 'EACCES') return `not allowed to listen on ${where}: choose a PORT above 1023.`;
    if (e.code === 'EADDRNOTAVAIL') return `${where} is not an address of this machine: fix HOST.`;
  }
  if ((e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') && e.port !== undefined) {
    return `nothing answers at ${e.address ?? '?'}:${e.port} (${e.code}): start that server, or fix DATABASE_URL / REDIS_URL (unset, Ponte runs its own).`;
  }
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] ?? 'unknown error';
  return lines.length > 1 ? `${first} (LOG_LEVEL=debug shows the details)` : first;
}
