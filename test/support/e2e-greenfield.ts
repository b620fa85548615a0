import type { CliResult } from './cli.js';
import { binIn, expectCode } from './e2e-project.js';
import type { FakeReply } from './fake-llm-server.js';
import { git } from './repo.js';

/**
 * What the (fake) model says during the greenfield walkthrough: a two-question
 * brainstorm ending with the brainstorm template's end signal, a spec, a valid
 * two-step plan and todo, and the builtin agent's tool calls for each step.
 */

export const IDEA = 'a CLI that adds numbers';

export const QUESTIONS = [
  'How are the numbers given to the CLI: as arguments, or on stdin?',
  'What should happen when one of the arguments is not a number?',
];

/** One answer per paragraph, as `specloop idea --answers` reads them. */
export const ANSWERS_FILE =
  'As command-line arguments, e.g. `adder 2 3 4`.\n\nPrint an error and exit with code 2.\n';

/** The line src/templates/brainstorm.md asks the model to send when it has enough. */
export const SPEC_READY = '<<SPEC_READY>>';

export const SPEC = `# Adder CLI — specification

## Requirements
- \`adder 2 3 4\` prints the sum (\`9\`) on stdout.
- A non-number argument prints an error on stderr and exits with code 2.

## Architecture
- \`src/add.js\`: a pure \`add(numbers)\` function.
- \`src/cli.js\`: parses arguments and prints the sum.

## Testing plan
- Unit tests for \`add\`, an end-to-end test for the CLI, run with \`node --test\`.
`;

export const PLAN = `# Adder CLI

A tiny Node CLI that adds numbers, built test-first in two steps.

## Step 1: Add function

The pure function first, so the CLI has something tested to call.

\`\`\`text
Write a failing test in test/add.test.js for add(numbers) in src/add.js (the sum of an array; 0 for an empty one), then implement it.
\`\`\`

## Step 2: Command-line entry

Depends on: 1

\`\`\`text
Write a test in test/cli.test.js that runs src/cli.js with the arguments 2 3 4 and expects "9" on stdout, then implement src/cli.js on top of add().
\`\`\`
`;

export const TODO = `# Todo

- [ ] Step 1: Add function
  - [ ] test for add()
  - [ ] implement add()
- [ ] Step 2: Command-line entry
  - [ ] end-to-end test of the CLI
  - [ ] src/cli.js prints the sum
`;

/** The files the agent writes in each step (real, passing code and tests). */
export const STEP_FILES: Record<number, Record<string, string>> = {
  1: {
    'src/add.js': 'export function add(numbers) {\n  return numbers.reduce((sum, n) => sum + n, 0);\n}\n',
    'test/add.test.js': [
      "import assert from 'node:assert/strict';",
      "import test from 'node:test';",
      "import { add } from '../src/add.js';",
      '',
      "test('adds numbers', () => assert.equal(add([2, 3, 4]), 9));",
      "test('the empty sum is 0', () => assert.equal(add([]), 0));",
      '',
    ].join('\n'),
  },
  2: {
    'src/cli.js': [
      "import { add } from './add.js';",
      '',
      'const numbers = process.argv.slice(2).map(Number);',
      'if (numbers.some(Number.isNaN)) {',
      "  process.stderr.write('adder: every argument must be a number\\n');",
      '  process.exit(2);',
      '}',
      "process.stdout.write(String(add(numbers)) + '\\n');",
      '',
    ].join('\n'),
    'test/cli.test.js': [
      "import assert from 'node:assert/strict';",
      "import { execFileSync } from 'node:child_process';",
      "import test from 'node:test';",
      '',
      "test('prints the sum', () => {",
      "  const out = execFileSync(process.execPath, ['src/cli.js', '2', '3', '4'], { encoding: 'utf8' });",
      "  assert.equal(out, '9\\n');",
      '});',
      '',
    ].join('\n'),
  },
};

/** The builtin agent's turns for one step: write the files, run the tests, finish. */
export function agentTurns(step: number, opts: { runTests?: boolean } = {}): FakeReply[] {
  const writes = Object.entries(STEP_FILES[step]!).map(([path, content]) => ({
    name: 'write_file',
    input: { path, content },
  }));
  return [
    { toolCalls: writes },
    ...(opts.runTests === false ? [] : [{ toolCalls: [{ name: 'run_tests', input: {} }] }]),
    { toolCalls: [{ name: 'finish', input: { summary: `step ${step} done` } }] },
  ];
}

/** Every reply of the walkthrough, in the order the commands ask for them. */
export function greenfieldScript(opts: { runTests?: boolean } = {}): {
  idea: FakeReply[];
  plan: FakeReply[];
  run: FakeReply[];
} {
  return {
    idea: [...QUESTIONS, SPEC_READY, SPEC],
    plan: [PLAN, TODO],
    run: [...agentTurns(1, opts), ...agentTurns(2, opts)],
  };
}

export interface WalkthroughResult {
  /** Each command's argv (without the record/replay flag) and its result. */
  steps: { argv: string[]; result: CliResult }[];
}

/**
 * The new user's walkthrough through the built binary in `repo`: init (then commit the
 * config, as the run's dirty-tree check asks), idea with scripted answers, plan, status,
 * run --all. `llmFlag` is `['--llm-record', FILE]` or `['--llm-replay', FILE]`. Stops at
 * the first command that fails, throwing with its output.
 */
export async function walkthrough(
  repo: string,
  env: Record<string, string>,
  llmFlag: string[],
  answersFile: string,
): Promise<WalkthroughResult> {
  const bin = binIn(repo, env);
  const steps: WalkthroughResult['steps'] = [];
  const cmd = async (argv: string[]) => {
    const result = await bin([...llmFlag, ...argv]);
    steps.push({ argv, result });
    return expectCode(result, 0, `specloop ${argv.join(' ')}`);
  };
  await cmd(['init']);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'specloop init');
  await cmd(['idea', IDEA, '--answers', answersFile]);
  await cmd(['plan']);
  await cmd(['status']);
  await cmd(['status', '--json']);
  await cmd(['run', '--all']);
  return { steps };
}
