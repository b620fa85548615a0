import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { isConventionalTestFile, testFileMatcher } from '../../../src/core/testfiles/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { writeFiles } from '../../support/repo.js';

describe('test files by convention', () => {
  it('recognises the single-file suites of small libraries and the common ecosystems', () => {
    for (const f of [
      'test.js',
      'test.mjs',
      'src/test.js',
      'index.test-d.ts',
      'tests.py',
      't/basic.t',
      'test/a.js',
      'src/a.test.ts',
      'pkg/foo_test.go',
      'tests/test_x.py',
      'tests/integration.rs',
      'spec/a_spec.rb',
      '__tests__/a.js',
      'test-camel.js',
      'conftest.py',
    ])
      expect(isConventionalTestFile(f), f).toBe(true);
  });

  it('does not take source files for tests', () => {
    for (const f of [
      'src/a.js',
      'src/testing.js',
      'latest.js',
      'index.js',
      'contest.py',
      'tools/t.pl',
      'index.d.ts',
    ])
      expect(isConventionalTestFile(f), f).toBe(false);
  });
});

describe('testFileMatcher', () => {
  const cleanups = useCleanups();
  const project = (files: Record<string, string>) => {
    const dir = cleanups.tmp();
    writeFiles(dir, files);
    return dir;
  };

  it('reads file arguments of scripts.test', async () => {
    const root = project({
      'package.json': JSON.stringify({ scripts: { test: 'xo && node checks/run.js' } }),
    });
    const m = await testFileMatcher({ root });
    expect(m.isTestFile('checks/run.js')).toBe(true);
    expect(m.isTestFile('src/run.js')).toBe(false);
    expect(m.sources).toContain('package.json scripts.test');
  });

  it('reads vitest include, jest testMatch and pytest python_files', async () => {
    const root = project({
      'vitest.config.ts': "export default { test: { include: ['checks/**/*.check.ts'] } };",
      'package.json': JSON.stringify({ jest: { testMatch: ['**/probe/*.js'] } }),
      'pytest.ini': '[pytest]\npython_files = check_*.py\n',
    });
    const m = await testFileMatcher({ root });
    expect(m.isTestFile('checks/deep/a.check.ts')).toBe(true);
    expect(m.isTestFile('lib/probe/x.js')).toBe(true);
    expect(m.isTestFile('pkg/check_parse.py')).toBe(true);
    expect(m.isTestFile('checks/deep/a.ts')).toBe(false);
    expect(m.sources).toEqual(expect.arrayContaining(['vitest.config.ts', 'pytest.ini (pytest)']));
  });

  it('takes [test] files from the config and rejects a bad glob clearly', async () => {
    const root = project({});
    const m = await testFileMatcher({ root, files: ['verify/*.sh'] });
    expect(m.isTestFile('verify/all.sh')).toBe(true);
    expect(m.sources).toEqual(['specloop.toml [test] files']);
    await expect(testFileMatcher({ root, files: ['src/{a'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('survives a broken package.json and unreadable configs', async () => {
    const root = project({ 'package.json': '{ not json', 'vitest.config.ts': 'export default {}' });
    const m = await testFileMatcher({ root });
    expect(m.isTestFile('test.js')).toBe(true);
    expect(m.globs).toEqual([]);
  });
});
