import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit } from '../../src/util/git.js';
import { useCleanups } from '../support/cleanups.js';
import { initRepo } from '../support/repo.js';

describe('runGit', () => {
  const cleanups = useCleanups();

  it('ignores GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE from the caller (as set inside a git hook)', async () => {
    const a = realpathSync(cleanups.tmp('specloop-git-a-'));
    const b = realpathSync(cleanups.tmp('specloop-git-b-'));
    initRepo(a, { 'a.txt': 'a\n' });
    initRepo(b, { 'b.txt': 'b\n' });
    const env = {
      ...process.env,
      GIT_DIR: join(b, '.git'),
      GIT_WORK_TREE: b,
      GIT_INDEX_FILE: join(b, '.git', 'index'),
    };
    const top = await runGit(a, ['rev-parse', '--show-toplevel'], { env });
    expect(top.stdout.trim()).toBe(a);
    const files = await runGit(a, ['ls-files'], { env });
    expect(files.stdout).toBe('a.txt\n');
  });

  it('never prompts for credentials, speaks C, and adds extraEnv on top', async () => {
    const dir = cleanups.tmp('specloop-git-env-');
    const r = await runGit(dir, ['var', 'GIT_EDITOR'], {
      env: { ...process.env, LC_ALL: 'de_DE.UTF-8' },
      extraEnv: { GIT_EDITOR: 'my-editor' },
    });
    expect(r.stdout.trim()).toBe('my-editor');
    const sh = await runGit(
      dir,
      ['-c', 'alias.envcheck=!printf "%s %s" "$GIT_TERMINAL_PROMPT" "$LC_ALL"', 'envcheck'],
      {
        env: process.env,
      },
    );
    expect(sh.stdout).toBe('0 C');
  });
});
