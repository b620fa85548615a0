import type { Context } from '../context.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';

/** What template lookup needs: the project, the global config dir. */
export type TemplateRoots = Pick<Context, 'cwd' | 'home' | 'projectRoot'>;

/**
 * What the executor is told when a finished step has to be redone on a newer base: appended
 * to the step's own prompt (the step prompt stays the task). The wording lives in the
 * templates team-conflict.md / team-red.md, looked up like every template (a project or
 * global copy overrides the built-in one).
 */
async function render(roots: TemplateRoots, name: string, vars: Record<string, string>): Promise<string> {
  return renderTemplate(await loadTemplate(roots, name), vars).prompt.trim();
}

/** The step's earlier change conflicted with steps that landed meanwhile; the tree is now the new base. */
export function conflictNote(
  roots: TemplateRoots,
  o: { files: string[]; details: string; previousDiff: string; landed: string[] },
): Promise<string> {
  return render(roots, 'team-conflict', {
    landed: o.landed.join(', ') || 'by teammates',
    files: o.files.join(', '),
    details: o.details.trim(),
    previous_diff: o.previousDiff.trim(),
  });
}

/** The step's change rebased cleanly but the tests fail on the new base. */
export function redNote(roots: TemplateRoots, o: { output: string; landed: string[] }): Promise<string> {
  return render(roots, 'team-red', {
    landed: o.landed.join(', ') || "teammates' steps",
    output: o.output.trim(),
  });
}
