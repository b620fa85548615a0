import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeLibrary } from './brownfield-fixtures.js';
import { type CliResult, runCli } from './cli.js';
import { type FakeLlm, type FakeReplyValue, type FakeRequest, startFakeLlm } from './fake-llm-server.js';
import { tempDir } from './repo.js';

/** A two-step change plan for the library: pascalCase test-first, then the readme (docs only). */
export function changePlan(o: { file?: string } = {}): string {
  const file = o.file ?? 'index.js';
  return [
    '# Add pascalCase',
    '',
    'pascalCase joins the words of splitWords (words.js) capitalised; it lives beside camelCase.',
    '',
    '## Step 1: pascalCase in index.js',
    '',
    'camelCase in index.js lower-cases the first word; pascalCase capitalises every word.',
    '',
    'Depends on: none',
    '',
    '```text',
    `First write a failing test in test.js: pascalCase('foo-bar') returns 'FooBar'. Then add pascalCase to ${file}, built on splitWords from words.js. Run node test.js.`,
    '```',
    '',
    '## Step 2: Document pascalCase',
    '',
    'Users read readme.md.',
    '',
    'Test-driven: no',
    '',
    'Depends on: 1',
    '',
    '```text',
    'Describe pascalCase in readme.md with one example, next to camelCase. Run node test.js.',
    '```',
    '',
  ].join('\n');
}

export const CHANGE_TODO =
  '# Todo\n\n- [ ] Step 1: pascalCase in index.js\n  - [ ] test first\n- [ ] Step 2: Document pascalCase\n  - [ ] readme\n';

export const PASCAL_INDEX = [
  "import { splitWords } from './words.js';",
  '',
  'export function camelCase(input) {',
  '  const words = splitWords(input);',
  "  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');",
  '}',
  '',
  'export function pascalCase(input) {',
  "  return splitWords(input).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');",
  '}',
  '',
].join('\n');

export const PASCAL_TEST = [
  "import assert from 'node:assert/strict';",
  "import { camelCase, pascalCase } from './index.js';",
  '',
  "assert.equal(camelCase('foo-bar'), 'fooBar');",
  "assert.equal(pascalCase('foo-bar'), 'FooBar');",
  '',
].join('\n');

const system = (req: FakeRequest) => req.messages.find((m) => m.role === 'system')?.content ?? '';
export const isPlanRequest = (req: FakeRequest) =>
  system(req).includes('plans changes to existing codebases');
export const isTodoRequest = (req: FakeRequest) => system(req).includes('checklists');

/** The builtin agent's side: step 1 writes index.js + test.js, step 2 the readme; then finish. */
export function libraryAgent(req: FakeRequest): FakeReplyValue {
  const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const step = Number(/step (\d+) \(/.exec(user)?.[1] ?? 0);
  if (req.messages.some((m) => m.role === 'assistant'))
    return { toolCalls: [{ name: 'finish', input: { summary: `step ${step} done` } }] };
  const files: Record<string, string> =
    step === 1
      ? { 'index.js': PASCAL_INDEX, 'test.js': PASCAL_TEST }
      : {
          'readme.md':
            '# tiny-case\n\n`camelCase("foo-bar")` → `"fooBar"`, `pascalCase("foo-bar")` → `"FooBar"`.\n',
        };
  return {
    toolCalls: Object.entries(files).map(([path, content]) => ({
      name: 'write_file',
      input: { path, content },
    })),
  };
}

/** The library repo, a fake model answering with `handler`, and `run(args)` for the CLI. */
export async function libraryProject(handler: (req: FakeRequest, i: number) => FakeReplyValue): Promise<{
  dir: string;
  fake: FakeLlm;
  run: (args: string[]) => Promise<CliResult>;
  read: (file: string) => string;
  cleanup: () => Promise<void>;
}> {
  const t = tempDir('specloop-change-');
  const home = tempDir('specloop-home-');
  const dir = makeLibrary(t.dir);
  const fake = await startFakeLlm(handler);
  return {
    dir,
    fake,
    run: (args) => runCli(args, { cwd: dir, env: { ...fake.env(), SPECLOOP_HOME: home.dir } }),
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    cleanup: async () => {
      await fake.close();
      t.cleanup();
      home.cleanup();
    },
  };
}
