import { UsageError } from '../errors.js';
import type { PlanProblem } from './types.js';

/**
 * A prompt_plan.md / todo.md that does not follow the format. Bad input, so a
 * UsageError (exit 2); `problems` carries every issue found, with line numbers.
 */
export class PlanFormatError extends UsageError {
  readonly problems: PlanProblem[];
  readonly file?: string;

  constructor(problems: PlanProblem[], opts: { file?: string; what?: string; hint?: string } = {}) {
    const name = opts.file ?? opts.what ?? 'the plan';
    super(`${name} is not valid:\n${formatProblems(problems, opts.file)}`, {
      code: 'E_PLAN_FORMAT',
      hint:
        opts.hint ??
        'fix the file by hand (format: docs/workflow.md), or regenerate it with `specloop plan --force`',
    });
    this.problems = problems;
    this.file = opts.file;
  }
}

/** One problem per line: `  file:12: message` (or `  line 12: message` without a file name). */
export function formatProblems(problems: PlanProblem[], file?: string): string {
  return problems
    .map((p) => {
      if (p.line === undefined) return `  ${p.message}`;
      return file ? `  ${file}:${p.line}: ${p.message}` : `  line ${p.line}: ${p.message}`;
    })
    .join('\n');
}
