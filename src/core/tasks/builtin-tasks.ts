import type { PackConfig } from '../config/schema.js';
import type { Role } from '../llm/types.js';

/** A task: what to pack, which template, which model, where the answer goes. */
export interface TaskSpec {
  description?: string;
  template: string;
  model?: string;
  role?: Role;
  /**
   * Output file name; `-` = stdout; default `<name>.md`. The built-in ones are drafts, written
   * to `[task] outputDir`; one set in a config file is relative to the working directory.
   */
  output?: string;
  /** Pack options on top of `[pack]` in the config. */
  pack: Partial<PackConfig>;
  /** Template variables; a value `@file` is read from that file (`@file?`: empty when missing). */
  variables: Record<string, string>;
  /** The draft takes the casing of the project's own file of that name (`readme.md` for README.md). */
  matchCase?: boolean;
  /** Follow-up suggestion printed after the task wrote its file; `{output}` is the file written, `{name}` its name. */
  next?: string;
}

/**
 * Files the built-in tasks write (to `[task] outputDir` now; at the project root before, or
 * with `-o`): never fed back into the next task's pack, or yesterday's review would be
 * reviewed as if it were code, and never committed by a run.
 */
export const GENERATED_FILES = ['code-review.md', 'issues.md', 'issue-prompts.md', 'missing-tests.md'];

// Reviews and issues cite `file:line`, so those tasks pack with line numbers.
const cited: Partial<PackConfig> = { lineNumbers: true, ignore: GENERATED_FILES };

/** The built-in tasks, as data. `[tasks.NAME]` in a config file adds to or redefines them. */
export const BUILT_IN_TASKS: Record<string, TaskSpec> = {
  'code-review': {
    description: 'thorough code review with file paths and line numbers',
    template: 'code-review',
    output: 'code-review.md',
    pack: cited,
    variables: {},
  },
  'github-issues': {
    description: 'the top issues (bugs, design, cleanliness) as GitHub-ready issues',
    template: 'github-issues',
    output: 'issues.md',
    pack: cited,
    // A code review written earlier is the best lead for the issues.
    variables: { review: '@out:code-review.md?' },
    next: 'review {output}, then: specloop issues post {output} --dry-run',
  },
  'issue-prompts': {
    description: 'each issue (from issues.md, or found in the code) as a runnable agent prompt',
    template: 'issue-prompts',
    output: 'issue-prompts.md',
    pack: cited,
    // Issues already posted (`issues post`) get their number, so each step's commit says `Fixes #N`.
    variables: {
      issues: '@out:issues.md?',
      review: '@out:code-review.md?',
      posted: '@.specloop/posted-issues.json?',
    },
    next: 'review the steps, then: specloop run --from {output}',
  },
  'missing-tests': {
    description: 'missing test cases, written as GitHub-ready issues',
    template: 'missing-tests',
    output: 'missing-tests.md',
    pack: cited,
    variables: {},
    next: 'review {output}, then: specloop issues post {output} --dry-run',
  },
  readme: {
    description: 'a README for the packed code',
    template: 'readme',
    output: 'README.md',
    pack: { ignore: GENERATED_FILES },
    variables: {},
    matchCase: true,
    next: 'review it, then: cp {output} {name}',
  },
};
