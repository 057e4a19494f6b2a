import { run, tail } from './run.js';
import type { BinaryLookup, LocalLog } from './types.js';
import { findExecutable } from './which.js';

export const REDIS_MISSING =
  'redis-server not found on PATH. Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL to an existing Redis.';

async function aptInstallRedis(aptGet: string, log: LocalLog): Promise<void> {
  // noninteractive: there is nobody to answer debconf questions when Ponte installs for itself.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log.warn('redis-server is missing; installing it with `apt-get update && apt-get install -y redis-server` (running as root).');
  const update = await run(aptGet, ['update'], { env });
  if (update.code !== 0) throw new Error(`apt-get update failed:\n${tail(update.output)}\n${REDIS_MISSING}`);
  const install = await run(aptGet, ['install', '-y', '--no-install-recommends', 'redis-server'], { env });
  if (install.code !== 0) throw new Error(`apt-get install redis-server failed:\n${tail(install.output)}\n${REDIS_MISSING}`);
  log.info('Installed redis-server.');
}

/**
 * Finds redis-server; as root on a Debian-like system it installs it, because a fresh
 * machine (or CI container) should get a working local setup without manual steps.
 */
export async function findRedisServer(lookup: BinaryLookup, log: LocalLog): Promise<string> {
  const found = await findExecutable('redis-server', lookup.path);
  if (found) return found;
  const aptGet = lookup.install === false || process.getuid?.() !== 0 ? undefined : await findExecutable('apt-get', lookup.path);
  if (!aptGet) throw new Error(REDIS_MISSING);
  await aptInstallRedis(aptGet, log);
  // The package puts the binary in /usr/bin even when the given PATH lacks it.
  const installed = await findExecutable('redis-server', `${lookup.path ?? process.env.PATH ?? ''}:/usr/bin`);
  if (!installed) throw new Error(`apt-get installed redis-server but it is still not on PATH.\n${REDIS_MISSING}`);
  return installed;
}
