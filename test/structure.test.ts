import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Comments may name a platform as an example; code may not. */
const BLOCK_COMMENT = new RegExp(String.raw`/\*[\s\S]*?\*/`, 'g');
const LINE_COMMENT = new RegExp(String.raw`(^|[^:])//.*$`, 'gm');

const files = [...(await sources('src')), ...(await sources('bridges')), ...(await sources('channels'))];

describe('the shape of the house (STYLE.md)', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('keeps every source file under 300 lines', async () => {
    const long: string[] = [];
    for (const file of files) {
      const lines = (await readFile(join(root, file), 'utf8')).trimEnd().split('\n').length;
      if (lines >= 300) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });

  it('keeps the core free of adapters: only src/main.ts imports bridges/ or channels/', async () => {
    const leaks: string[] = [];
    for (const file of files.filter((f) => f.startsWith('src/') && f !== 'src/main.ts')) {
      if (/from ['"](\.\.\/)+(bridges|channels)\//.test(await readFile(join(root, file), 'utf8'))) leaks.push(file);
    }
    expect(leaks).toEqual([]);
  });

  it('keeps platform names out of the core code: only src/main.ts names a bridge (comments may, as examples)', async () => {
    const named: string[] = [];
    for (const file of files.filter((f) => f.startsWith('src/') && f !== 'src/main.ts')) {
      const code = (await readFile(join(root, file), 'utf8')).replace(BLOCK_COMMENT, '').replace(LINE_COMMENT, '$1');
      const hit = /slack|mrkdwn|thread_ts|response_url|trigger_id/i.exec(code);
      if (hit) named.push(`${file}: ${hit[0]}`);
    }
    expect(named).toEqual([]);
  });

  it('has no grab-bag modules', () => {
    expect(files.filter((f) => /(^|\/)(utils?|helpers?|misc)\.ts$/.test(f))).toEqual([]);
  });
});
