import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../util/paths.js';
import { parseTemplateText, renderTemplate } from '../templates/index.js';

/**
 * What the executor is told when a finished step has to be redone on a newer base: appended
 * to the step's own prompt (the step prompt stays the task). The wording lives in the
 * built-in templates team-conflict.md / team-red.md; the scheduler has no Context, so these
 * are read from the package, not looked up in project or global template folders.
 */
function render(name: string, vars: Record<string, string>): string {
  const file = join(packageRoot(), 'src', 'templates', `${name}.md`);
  const { meta, body } = parseTemplateText(readFileSync(file, 'utf8'), file);
  return renderTemplate({ name, variables: meta.variables ?? [], body }, vars).prompt.trim();
}

/** The step's earlier change conflicted with steps that landed meanwhile; the tree is now the new base. */
export function conflictNote(o: {
  files: string[];
  details: string;
  previousDiff: string;
  landed: string[];
}): string {
  return render('team-conflict', {
    landed: o.landed.join(', ') || 'by teammates',
    files: o.files.join(', '),
    details: o.details.trim(),
    previous_diff: o.previousDiff.trim(),
  });
}

/** The step's change rebased cleanly but the tests fail on the new base. */
export function redNote(o: { output: string; landed: string[] }): string {
  return render('team-red', { landed: o.landed.join(', ') || "teammates' steps", output: o.output.trim() });
}
