import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, initRepo, writeFiles } from './repo.js';

/**
 * A tiny real project for `specloop run` tests: ESM package, one passing test, a
 * node:test suite run by FIXTURE_TEST_CMD, and a prompt_plan.md / todo.md whose step N asks
 * for src/stepN.js exporting stepN() === N with a test in test/stepN.test.js.
 */
export function planText(titles: string[], opts: { deps?: Record<number, number[]> } = {}): string {
  const parts = ['# Demo plan', '', 'Build tiny step functions, one per step.', ''];
  titles.forEach((title, i) => {
    const n = i + 1;
    parts.push(`## Step ${n}: ${title}`, '', `Context for step ${n}.`, '');
    if (opts.deps?.[n]) parts.push(`Depends on: ${opts.deps[n].join(', ') || 'none'}`, '');
    parts.push(
      '```text',
      `Create src/step${n}.js exporting step${n}() that returns ${n}, with a test in test/step${n}.test.js.`,
      '```',
      '',
    );
  });
  return parts.join('\n');
}

export function todoText(titles: string[], done: number[] = []): string {
  return `# Todo\n\n${titles.map((t, i) => `- [${done.includes(i + 1) ? 'x' : ' '}] Step ${i + 1}: ${t}`).join('\n')}\n`;
}

export const TITLES = ['First function', 'Second function', 'Third function'];

/** The files a correct step N writes (what the stand-ins and scripted models produce). */
export function stepFiles(n: number, value = n): Record<string, string> {
  return {
    [`src/step${n}.js`]: `export function step${n}() {\n  return ${value};\n}\n`,
    [`test/step${n}.test.js`]: `import assert from 'node:assert/strict';\nimport test from 'node:test';\nimport { step${n} } from '../src/step${n}.js';\n\ntest('step${n}', () => assert.equal(step${n}(), ${n}));\n`,
  };
}

/**
 * The fixture's test command: node:test files run in ONE process. `node --test` starts a
 * node per test file (5× the CPU per test run on a 2-core box), and the run tests start
 * thousands of test runs; the suite is the same real node:test with the same output.
 */
export const FIXTURE_TEST_CMD = 'node run-tests.mjs';

/** The runner FIXTURE_TEST_CMD starts: imports every test/*.test.js in order; a file that fails to load fails the run. */
export const FIXTURE_TEST_RUNNER = `import { readdirSync } from 'node:fs';
const dir = new URL('./test/', import.meta.url);
for (const f of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
  try {
    await import(new URL(f, dir).href);
  } catch (e) {
    console.error(\`not ok - \${f} failed to load: \${e?.stack ?? e}\`);
    process.exitCode = 1;
  }
}
`;

export interface ProjectOptions {
  titles?: string[];
  /** Commit the plan files with the project (default: leave them untracked, as after `specloop plan`). */
  commitPlan?: boolean;
  testCommand?: string | null;
  /** Extra specloop.toml text. */
  toml?: string;
  deps?: Record<number, number[]>;
}

/** Create the project in `dir` (a git repo on branch main) and return `dir`. */
export function makeProject(dir: string, o: ProjectOptions = {}): string {
  const titles = o.titles ?? TITLES;
  const testCmd = o.testCommand === undefined ? FIXTURE_TEST_CMD : o.testCommand;
  initRepo(dir, {
    'package.json': '{\n  "name": "demo",\n  "type": "module",\n  "private": true\n}\n',
    'src/index.js': 'export const name = "demo";\n',
    'run-tests.mjs': FIXTURE_TEST_RUNNER,
    'test/index.test.js':
      "import assert from 'node:assert/strict';\nimport test from 'node:test';\nimport { name } from '../src/index.js';\n\ntest('name', () => assert.equal(name, 'demo'));\n",
    'specloop.toml': `${testCmd === null ? '' : `[test]\ncommand = ${JSON.stringify(testCmd)}\ntimeoutSec = 60\n\n`}[llm]\nmaxRetries = 0\nlog = false\n${o.toml ?? ''}`,
    // Tests keep SPECLOOP_HOME in the project (.home/): never part of a step.
    '.gitignore': 'node_modules/\n.home/\n',
  });
  writeFiles(dir, { 'prompt_plan.md': planText(titles, { deps: o.deps }), 'todo.md': todoText(titles) });
  if (o.commitPlan) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'plan');
  }
  return dir;
}

/** `subject | Specloop-Step | Specloop-Plan` per commit, oldest first (stable across runs). */
export function history(dir: string): string[] {
  const out = git(
    dir,
    'log',
    '--reverse',
    '--format=%s|%(trailers:key=Specloop-Step,valueonly,separator=%x2C)|%(trailers:key=Specloop-Plan,valueonly,separator=%x2C)',
  );
  return out.split('\n').filter(Boolean);
}

/** Every tracked file with its content at HEAD, plus `git status` (must be clean). */
export function snapshot(dir: string): { files: Record<string, string>; status: string; branch: string } {
  const files: Record<string, string> = {};
  for (const f of git(dir, 'ls-files').split('\n').filter(Boolean))
    files[f] = readFileSync(join(dir, f), 'utf8');
  return { files, status: git(dir, 'status', '--porcelain'), branch: git(dir, 'branch', '--show-current') };
}

/** Ticked step numbers in the todo file. */
export function ticked(dir: string, todo = 'todo.md'): number[] {
  return [...readFileSync(join(dir, todo), 'utf8').matchAll(/- \[x\] Step (\d+)/g)].map((m) => Number(m[1]));
}

/** Node's own path, so stand-in scripts run with the same node as the tests. */
export const NODE = process.execPath;

/** The built-in agent's tools (the DESIGN contract), sorted: what every `code` request must offer. */
export const AGENT_TOOLS = ['edit_file', 'finish', 'list_files', 'read_file', 'run_tests', 'write_file'];

type Reply = { text?: string; toolCalls?: { name: string; input: unknown }[] };

/** The step number and retry flag of a builtin-agent request (from its first user message). */
function stepOf(messages: { role: string; content: string }[]): {
  step: number;
  retry: boolean;
  turns: number;
} {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const m = /step (\d+) \(/.exec(user);
  return {
    step: m ? Number(m[1]) : 0,
    retry: /This is attempt \d+ of/.test(user),
    turns: messages.filter((m) => m.role === 'assistant').length,
  };
}

/**
 * A deterministic fake model for the builtin agent, as a fake-LLM-server handler: turn 1
 * writes step N's files (wrong ones while `wrong(step, retry)` says so), turn 2 calls finish.
 * Deterministic per request, so a killed and resumed run sees the same answers.
 */
export function agentHandler(wrong: (step: number, retry: boolean) => boolean = () => false) {
  return (req: { messages: { role: string; content: string }[] }): Reply => {
    const { step, retry, turns } = stepOf(req.messages);
    if (turns === 0) {
      const files = stepFiles(step, wrong(step, retry) ? -1 : step);
      return {
        toolCalls: Object.entries(files).map(([path, content]) => ({
          name: 'write_file',
          input: { path, content },
        })),
      };
    }
    return { toolCalls: [{ name: 'finish', input: { summary: `step ${step} done` } }] };
  };
}
