/**
 * How much a file is worth keeping under a token budget: 0 = source and docs, 1 = tests,
 * 2 = fixtures, examples, playgrounds and benchmarks, 3 = snapshots, generated, minified
 * and data files. Shapes learnt from real monorepos: prettier keeps thousands of inputs
 * under `tests/format/**` (with `jsfmt.spec.js` and `__snapshots__`), babel under
 * `packages/x/test/fixtures/**`, vite under `playground/**`, rust and go under `testdata/`.
 */
export type Tier = 0 | 1 | 2 | 3;

const GENERATED =
  /(\.min\.(js|css|mjs)|\.map|\.snap|\.lock|\.svg|\.csv|\.tsv|\.jsonl|\.pb\.go|_pb2\.py|\.generated\.\w+|\.g\.dart)$|(^|\/)(__snapshots__|snapshots?|generated|__generated__|vendor|third_party)\//i;
const FIXTURE =
  /(^|\/)(fixtures?|__fixtures__|testdata|test-data|test_data|playground|playgrounds|examples?|samples?|bench|benchmarks?|e2e|tests\/format|__mocks__|mocks?)\//i;
const TEST =
  /(^|\/)(tests?|__tests__|spec|specs|testing|integration-tests?)\/|(\.|_|-)(test|spec)s?\.\w+$|(^|\/)test_[^/]+\.py$|_test\.go$|jsfmt\.spec\.js$/i;

export function tierOf(path: string, tokens: number): Tier {
  if (GENERATED.test(path) || (path.endsWith('.json') && tokens > 2000)) return 3;
  if (FIXTURE.test(path)) return 2;
  if (TEST.test(path)) return 1;
  return 0;
}
