import { join } from 'node:path';
import { type FakeLlm, type FakeReply, startFakeLlm } from './fake-llm-server.js';
import { initRepo, tempDir, writeFiles } from './repo.js';

/** A small real project: the pack of it contains the marker strings below. */
export const DEMO_FILES: Record<string, string> = {
  'package.json': '{ "name": "demo", "version": "1.0.0", "scripts": { "test": "node --test" } }\n',
  'src/math.js': 'export function add(a, b) {\n  return a + b; // MARKER-MATH\n}\n',
  'src/parse.js': 'export function parse(text) {\n  return JSON.parse(text); // MARKER-PARSE\n}\n',
};

/** A model answer in the issues-file format the github-issues template asks for. */
export const ISSUES_ANSWER = `## Issue: parse() throws on invalid JSON
Labels: bug

\`parse\` in \`src/parse.js:2\` lets SyntaxError escape.

**Done when**
- [ ] invalid input gives a clear error

## Issue: add() accepts strings
Labels: bug, design

\`add("1", 2)\` returns "12" (\`src/math.js:2\`).
`;

/** A model answer in prompt_plan format, as the issue-prompts template asks for. */
export const PLAN_ANSWER = `# Issue prompts

Two fixes.

## Step 1: Make parse() report invalid JSON

\`src/parse.js:2\`.

Depends on: none

\`\`\`text
Wrap JSON.parse in src/parse.js so invalid input throws an error that names the problem. Test first.
\`\`\`

## Step 2: Reject non-numbers in add()

Depends on: none

\`\`\`text
Make add() in src/math.js throw a TypeError for non-number arguments. Test first.
\`\`\`
`;

export interface TaskSandbox {
  dir: string;
  home: string;
  fake: FakeLlm;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/** A temp git repo with DEMO_FILES, a temp SPECLOOP_HOME and a fake LLM answering `replies`. */
export async function taskSandbox(
  replies: FakeReply[],
  files: Record<string, string> = {},
): Promise<TaskSandbox> {
  const t = tempDir('specloop-task-');
  const dir = join(t.dir, 'repo');
  const home = join(t.dir, 'home');
  writeFiles(t.dir, { 'repo/.keep': '', 'home/.keep': '' });
  initRepo(dir, { ...DEMO_FILES, ...files });
  const fake = await startFakeLlm(replies);
  return {
    dir,
    home,
    fake,
    env: { SPECLOOP_HOME: home, ...fake.env() },
    cleanup: async () => {
      await fake.close();
      t.cleanup();
    },
  };
}
