// `--baseline <git-ref>`: the code at <ref> (e.g. 8c2e9ca, before issue 14), extracted with
// `git archive` into a temporary directory beside this checkout's node_modules, so the bench can
// run it as a child process next to the current code, in the same run, on the same load.
// `git archive` leaves the repository as it is (no worktree to prune if the bench is killed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The code one side of a run measures: this checkout, or the tree extracted for a baseline. */
export interface CodeUnderTest {
  /** How the side is named in the output: `current` or `baseline <sha>`. */
  name: string;
  /** The tree Ponte is started from (its src/main.ts, its migrations/). */
  tree: string;
}

export interface BaselineTree extends CodeUnderTest {
  sha: string;
  /** Removes the extracted tree. */
  remove(): Promise<void>;
}

export const currentCode = (root: string): CodeUnderTest => ({ name: 'current', tree: root });

/**
 * Extracts <ref> from the repository `root` belongs to. Throws, saying why, when the ref does
 * not name a commit or the commit has no Ponte to start (src/main.ts, migrations/).
 */
export async function prepareBaseline(root: string, ref: string): Promise<BaselineTree> {
  let sha: string;
  try {
    sha = (await run('git', ['-C', root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).stdout.trim().slice(0, 12);
  } catch {
    throw new Error(`--baseline ${ref}: not a commit in the repository of ${root}`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `ponte-${sha}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    // `git archive | tar -x`, without a shell: the archive goes through a file in the tree.
    const tarball = path.join(dir, '.baseline.tar');
    await run('git', ['-C', root, 'archive', '--format=tar', '-o', tarball, sha], { maxBuffer: 1 << 20 });
    await run('tar', ['-xf', tarball, '-C', dir]);
    await rm(tarball);
    for (const needed of ['src/main.ts', 'migrations']) {
      if (!existsSync(path.join(dir, needed))) throw new Error(`--baseline ${ref} (${sha}) has no ${needed}: not a Ponte the bench can start`);
    }
    // The baseline runs on this checkout's dependencies (no install); a dependency it needs and
    // this checkout lacks shows up as the child failing to start, with the import error.
    await symlink(await realpath(path.join(root, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
    await importable(dir, `--baseline ${ref} (${sha})`);
    return { name: `baseline ${sha}`, tree: dir, sha, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/**
 * Loads the tree's composition root once, before anything is measured: a baseline that cannot
 * even be imported (a dependency this checkout lacks, a syntax tsx cannot read) stops the bench
 * at once, with the import error, instead of after the first pass of the current code.
 */
async function importable(tree: string, what: string): Promise<void> {
  const main = pathToFileURL(path.join(tree, 'src', 'main.ts')).href;
  try {
    await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(main)}); process.exit(0);`], { cwd: tree, timeout: 120_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').slice(0, 6).join('\n');
    throw new Error(`${what}: its src/main.ts does not load, so the baseline cannot start:\n${stderr || (err as Error).message}`);
  }
}

/** The sides of a run, in the order each round runs them: current first, then the baseline. */
export function sidesOf(root: string, baseline: BaselineTree | undefined): CodeUnderTest[] {
  return baseline ? [currentCode(root), baseline] : [currentCode(root)];
}
