import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from './as-user.js';
import type { RunResult } from './run.js';
import { tail } from './run.js';
import type { LocalLog } from './types.js';

export type Tool = (name: 'initdb' | 'pg_ctl', args: string[]) => Promise<RunResult>;

export interface ClusterSettings {
  port: number;
  fast: boolean;
  /** More settings, written after Ponte's own (e.g. the bench's shared_preload_libraries); values are quoted. */
  extra?: Record<string, string>;
}

const SETTINGS_FILE = 'ponte.conf';
// Linux allows 108 bytes for a socket path (macOS 104); ".s.PGSQL.<port>" must fit after the directory.
const MAX_SOCKET_PATH = 100;

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Creates the cluster once; a directory that has PG_VERSION is already a cluster. */
export async function ensureCluster(pgData: string, tool: Tool, runner: CommandRunner, fast: boolean, log: LocalLog): Promise<void> {
  const entries = await readdir(pgData).catch(() => undefined);
  if (entries?.includes('PG_VERSION')) return;
  if (entries && entries.length > 0) {
    throw new Error(`${pgData} exists but is not a Postgres data directory (no PG_VERSION). Move it away or choose another data directory.`);
  }
  log.info(`Creating a Postgres cluster in ${pgData}`);
  await mkdir(pgData, { recursive: true, mode: 0o700 });
  await runner.own(pgData);
  // Trust auth is acceptable because the server only listens on 127.0.0.1 and a socket in the
  // data directory; -N skips fsync, which only matters for throwaway (fast) clusters.
  const args = ['-D', pgData, '-U', 'ponte', '-A', 'trust', '-E', 'UTF8', '--locale=C'];
  const result = await tool('initdb', fast ? [...args, '-N'] : args);
  if (result.code !== 0) {
    // initdb leaves a half-built directory behind on some failures; a retry needs it empty.
    await rm(pgData, { recursive: true, force: true });
    const hint = runner.account ? ` (initdb ran as user "${runner.account.name}": every parent directory of ${pgData} must be searchable by it)` : '';
    throw new Error(`initdb failed${hint}:\n${tail(result.output)}`);
  }
}

/**
 * Settings that may change between runs (port, speed) live in their own file, rewritten on
 * every start, so postgresql.conf stays the user's to edit.
 */
export async function writeSettings(pgData: string, settings: ClusterSettings, runner: CommandRunner): Promise<void> {
  const mainConf = path.join(pgData, 'postgresql.conf');
  const include = `include_if_exists = ${quote(SETTINGS_FILE)}`;
  if (!(await readFile(mainConf, 'utf8')).includes(include)) {
    await appendFile(mainConf, `\n# Local settings written by Ponte on every start.\n${include}\n`);
  }
  // A socket beside the data keeps psql handy without touching /var/run; a path too long
  // for a socket would stop the server from starting, so then TCP alone must do.
  const socketDir = Buffer.byteLength(pgData) + 16 <= MAX_SOCKET_PATH ? pgData : '';
  const lines = [
    '# Written by Ponte on every start; put your own settings in postgresql.conf.',
    "listen_addresses = '127.0.0.1'",
    `port = ${settings.port}`,
    `unix_socket_directories = ${quote(socketDir)}`,
    // Throwaway clusters (tests) trade crash safety for speed.
    ...(settings.fast ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
    ...Object.entries(settings.extra ?? {}).map(([name, value]) => `${name} = ${quote(value)}`),
  ];
  const file = path.join(pgData, SETTINGS_FILE);
  await writeFile(file, `${lines.join('\n')}\n`);
  await runner.own(file);
}
