// The contract between `issues pull` and `run`: a step's context may carry lines for the
// commit message. Kept free of heavy imports so the run loop can use it.

/**
 * Label of the context line that carries text for the step's commit message, e.g.
 * `Commit message: Fixes #12`. `specloop run` appends it to the commit it makes.
 */
export const COMMIT_LINE_LABEL = 'Commit message';

/** Lines a step's context asks to put in its commit message (see {@link COMMIT_LINE_LABEL}). */
export function commitLinesOf(context: string): string[] {
  const re = new RegExp(`^\\s*${COMMIT_LINE_LABEL}:\\s*(.+?)\\s*$`, 'gim');
  return [...context.matchAll(re)].map((m) => m[1]!);
}

/** The commit line that closes issue `n` when the commit lands on the default branch. */
export const fixesLine = (n: number): string => `Fixes #${n}`;
