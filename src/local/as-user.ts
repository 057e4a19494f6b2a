import { chown } from 'node:fs/promises';
import { findExecutable } from './which.js';
import { run } from './run.js';

/** An account that may own and run a Postgres cluster. */
export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
}

/**
 * How to run Postgres tools. Postgres refuses to run as root, so as root every tool runs as
 * an unprivileged account (`postgres`, else `nobody`) that must also own the cluster's files.
 * Otherwise tools run as the current user and nothing needs chowning.
 */
export interface CommandRunner {
  account?: ServiceAccount;
  wrap(cmd: string, args: readonly string[]): [string, string[]];
  /** Gives the account ownership of a path it must write; a no-op when not root. */
  own(path: string): Promise<void>;
}

const unprivileged: CommandRunner = {
  wrap: (cmd, args) => [cmd, [...args]],
  own: async () => {},
};

async function lookupAccount(name: string): Promise<ServiceAccount | undefined> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { name, uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export async function postgresRunner(): Promise<CommandRunner> {
  if (process.getuid?.() !== 0) return unprivileged;
  const account = (await lookupAccount('postgres')) ?? (await lookupAccount('nobody'));
  if (!account) {
    throw new Error('Postgres cannot run as root and neither a "postgres" nor a "nobody" user exists; create one (e.g. `useradd --system postgres`) or set DATABASE_URL.');
  }
  // runuser (util-linux) runs the command directly, so it works even for accounts whose login
  // shell is nologin; su needs an explicit shell and a quoted command line.
  const runuser = await findExecutable('runuser', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`);
  const wrap: CommandRunner['wrap'] = runuser
    ? (cmd, args) => [runuser, ['-u', account.name, '--', cmd, ...args]]
    : (cmd, args) => ['su', ['-s', '/bin/sh', account.name, '-c', [cmd, ...args].map(shellQuote).join(' ')]];
  return { account, wrap, own: (path) => chown(path, account.uid, account.gid) };
}
