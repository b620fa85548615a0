/**
 * `specloop undo`: take a landed step back with a revert commit that also unticks its box
 * (undoStep), or do the same on the team's integration branch (undoOnRemote).
 */
export { type TeamUndoOptions, undoOnRemote } from './team-undo.js';
export { type UndoOptions, type UndoResult, undoStep } from './undo-step.js';
