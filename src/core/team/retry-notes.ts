/**
 * What the executor is told when a finished step has to be redone on a newer base. Kept
 * short and appended to the step's own prompt; the step prompt stays the task.
 */
const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.trim()}\n\`\`\``;

/** The step's earlier change conflicted with steps that landed meanwhile; the tree is now the new base. */
export function conflictNote(o: {
  files: string[];
  details: string;
  previousDiff: string;
  landed: string[];
}): string {
  return [
    '## Note: redo this step on the latest integrated code',
    `You already did this step once, but other steps were integrated meanwhile (${o.landed.join(', ') || 'by teammates'}) and changed the same files: ${o.files.join(', ')}.`,
    'Your earlier change no longer applies and has been set aside: the working tree now holds the latest integrated code.',
    'Do the step again on top of it, keeping what the other steps added.',
    'The conflict as git reported it:',
    fence('diff', o.details),
    'Your earlier change, for reference:',
    fence('diff', o.previousDiff),
  ].join('\n\n');
}

/** The step's change rebased cleanly but the tests fail on the new base. */
export function redNote(o: { output: string; landed: string[] }): string {
  return [
    '## Note: the tests fail after combining your change with newer work',
    `Your change for this step was rebased onto the latest integrated code (which now includes ${o.landed.join(', ') || "teammates' steps"}), and the test command fails there.`,
    'The working tree holds the combination. Fix it so the tests pass, keeping what the other steps added.',
    'Test output:',
    fence('text', o.output),
  ].join('\n\n');
}
