import { createHash } from 'node:crypto';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandRunner } from './as-user.js';
import { run } from './run.js';
import type { LocalLog } from './types.js';

/** Where clusters go when the account Postgres runs as cannot reach the data directory. */
export const STATE_ROOTS = ['/var/lib/ponte', path.join(tmpdir(), 'ponte')];

/** A note left in the data directory saying where the cluster really is. */
export const LOCATION_NOTE = 'postgres-location.txt';

/**
 * The folder that holds the cluster: `<dataDir>/postgres`, unless Postgres must run as another
 * account (root runs it as `postgres`) that cannot enter the data directory — a project in
 * root's home (/root is 0700) is the usual case. Then the cluster lives in a folder of its own
 * under the system's state directory (or the temp directory), named after the data directory so
 * each checkout keeps its own, and owned by that account. Nobody's home is chmod-ed.
 */
export async function clusterHome(dataDir: string, runner: CommandRunner, log: LocalLog, roots = STATE_ROOTS): Promise<string> {
  const inPlace = path.join(dataDir, 'postgres');
  if (!runner.account) return inPlace;
  // The account needs to pass through the (root-owned) data directory itself…
  await chmod(dataDir, (await stat(dataDir)).mode | 0o001);
  // …and through every folder above it, which is not ours to change.
  const reach = await run(...runner.wrap('test', ['-x', dataDir]), { cwd: '/' });
  if (reach.code === 0) return inPlace;

  const slug = path.basename(path.dirname(dataDir)).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'ponte';
  const name = `${slug}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  for (const root of roots) {
    const home = path.join(root, name);
    try {
      await mkdir(root, { recursive: true, mode: 0o755 });
      await mkdir(home, { recursive: true, mode: 0o700 });
      await runner.own(home);
    } catch {
      continue; // a read-only /var/lib: try the next root
    }
    const reachable = await run(...runner.wrap('test', ['-w', home]), { cwd: '/' });
    if (reachable.code !== 0) continue;
    log.info(`Postgres runs as "${runner.account.name}", which cannot enter ${dataDir}: its data is in ${home}/postgres instead.`);
    await writeFile(path.join(dataDir, LOCATION_NOTE), `${path.join(home, 'postgres')}\n`).catch(() => {});
    return path.join(home, 'postgres');
  }
  throw new Error(
    `Postgres must run as "${runner.account.name}", which cannot enter ${dataDir}, and no other place for its data could be made (${roots.join(', ')}). ` +
      'Set PONTE_DATA_DIR to a folder that account can reach, or set DATABASE_URL.',
  );
}
