import { PlanFormatError } from './errors.js';
import { parseTodo } from './parse-todo.js';

/**
 * Tick (or untick) Step `n` in todo.md text. Only the character inside the step's
 * `[ ]` changes — every other byte of the file is preserved (we edit at the parser's
 * offset instead of re-stringifying the tree). Idempotent: marking a step that is
 * already in that state returns the text unchanged (an `X` counts as done).
 * Throws PlanFormatError when Step n is missing or listed twice.
 */
export function markStep(todoText: string, n: number, done: boolean): string {
  const matches = parseTodo(todoText).items.filter((i) => i.number === n);
  if (matches.length === 0)
    throw new PlanFormatError([{ message: `todo.md has no "- [ ] Step ${n}: …" item` }], { what: 'todo.md' });
  if (matches.length > 1)
    throw new PlanFormatError(
      [
        {
          line: matches[1]!.line,
          message: `Step ${n} is listed ${matches.length} times (lines ${matches.map((m) => m.line).join(', ')})`,
        },
      ],
      { what: 'todo.md' },
    );
  const item = matches[0]!;
  if (item.done === done) return todoText;
  const at = item.checkboxOffset;
  return todoText.slice(0, at) + (done ? 'x' : ' ') + todoText.slice(at + 1);
}
