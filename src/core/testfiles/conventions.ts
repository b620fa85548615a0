/**
 * Test files by the conventions of the common ecosystems, whatever the runner config says:
 * test directories (`test/`, `tests/`, `__tests__/`, `spec/`, Perl's `t/*.t`), suffixes
 * (`.test.ts`, `.spec.js`, tsd's `.test-d.ts`, `_test.go`, `_spec.rb`, `FooTest.java`),
 * Python's `test_*.py` / `*_test.py` / `tests.py` / `conftest.py`, and the single-file
 * suites small JS libraries keep at the root or in src (`test.js`, `src/test.mjs`, a root
 * `test-*.js`; ava's deeper ones come from its config).
 */
const CONVENTIONS: RegExp[] = [
  /(^|\/)(tests?|__tests__|spec|specs)\//,
  /(^|\/)t\/[^/]+\.t$/,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /\.test-d\.[cm]?tsx?$/,
  /(^|\/)tests?\.[cm]?[jt]sx?$/,
  /^test[-_][^/]+\.[cm]?[jt]sx?$/,
  /(^|\/)(test_[^/]+|tests?|conftest)\.py$/,
  /_test\.(py|go|rb|exs?)$/,
  /_spec\.rb$/,
  /Tests?\.(java|kt|cs|swift)$/,
];

/** True when a repo-relative path is a test file by convention alone. */
export function isConventionalTestFile(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return CONVENTIONS.some((re) => re.test(p));
}
