import { describe, expect, it } from 'vitest';
import { resolveVariables } from '../../../src/core/tasks/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { writeFiles } from '../../support/repo.js';

const cleanups = useCleanups();
const dir = (): string => cleanups.tmp();

describe('resolveVariables', () => {
  it('reads @file values relative to the directory', async () => {
    const d = dir();
    writeFiles(d, { 'notes/a.md': 'hello' });
    expect(await resolveVariables({ a: '@notes/a.md', b: 'plain' }, d)).toEqual({ a: 'hello', b: 'plain' });
  });

  it('@file? is empty when the file is missing', async () => {
    expect(await resolveVariables({ issues: '@issues.md?' }, dir())).toEqual({ issues: '' });
  });

  it('a missing @file is a usage error naming the variable', async () => {
    await expect(resolveVariables({ spec: '@spec.md' }, dir())).rejects.toThrow(
      /variable "spec": cannot read spec\.md/,
    );
  });

  it('@out:FILE reads an earlier task’s draft from the output dir, else from the directory', async () => {
    const d = dir();
    writeFiles(d, { 'out/review.md': 'draft', 'issues.md': 'old place', 'out/issues.md': 'new place' });
    const out = `${d}/out`;
    expect(await resolveVariables({ r: '@out:review.md' }, d, out)).toEqual({ r: 'draft' });
    expect(await resolveVariables({ i: '@out:issues.md?' }, d, out)).toEqual({ i: 'new place' });
    writeFiles(d, { 'legacy.md': 'from before' });
    expect(await resolveVariables({ l: '@out:legacy.md?', m: '@out:missing.md?' }, d, out)).toEqual({
      l: 'from before',
      m: '',
    });
  });

  it('@@ keeps a literal @', async () => {
    expect(await resolveVariables({ who: '@@octocat' }, dir())).toEqual({ who: '@octocat' });
  });
});
