/**
 * What counts as a test file in this project, and which plan steps are test-driven.
 * A file is a test file when the conventions of the common ecosystems say so, when the
 * project's test runner config names it, or when `[test] files` in specloop.toml does.
 */
import { compileGlobs, expandBraces } from '../pack/select/patterns.js';
import { isConventionalTestFile } from './conventions.js';
import { runnerPatterns } from './runner-patterns.js';

export { isConventionalTestFile } from './conventions.js';
export { asksForTests, hasTddMarker, isTddStep } from './tdd-step.js';

export interface TestFileMatcher {
  /** True for a repo-relative path (forward slashes) that is a test file. */
  isTestFile(path: string): boolean;
  /** Globs in use beyond the conventions (config first, then the runner's). */
  globs: string[];
  /** Where they came from: `specloop.toml [test] files`, `package.json scripts.test` … */
  sources: string[];
}

/**
 * The test-file matcher of the project at `root`. `files` are the `[test] files` globs of
 * the config (gitignore syntax, like `--include`); a bad one is a UsageError naming it.
 */
export async function testFileMatcher(o: {
  root: string;
  files?: readonly string[];
}): Promise<TestFileMatcher> {
  const runner = await runnerPatterns(o.root);
  const configured = [...(o.files ?? [])];
  const own = compileGlobs(configured, '[test] files');
  // Runner globs come from files we only scanned: drop any the matcher cannot compile.
  const found = runner.globs.filter((g) => {
    try {
      compileGlobs(expandBraces(g), 'runner');
      return true;
    } catch {
      return false;
    }
  });
  const theirs = compileGlobs(found, 'runner');
  return {
    isTestFile: (path) => {
      const p = path.replace(/\\/g, '/');
      return (
        isConventionalTestFile(p) ||
        Boolean(own?.ignores(p)) ||
        Boolean(theirs?.ignores(p)) ||
        runner.regexes.some((re) => re.test(p))
      );
    },
    globs: [...configured, ...found],
    sources: [...(configured.length ? ['specloop.toml [test] files'] : []), ...runner.sources],
  };
}
