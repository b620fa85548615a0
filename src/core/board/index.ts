/**
 * `specloop board`: the plan as a live web board — steps as cards by state, the dependency
 * graph, each step's attempts and landed diff, the team's members and costs — over the
 * same core functions the CLI uses. See docs/board.md.
 */
export { isLoopbackHost, TOKEN_HEADER } from './access.js';
export { ACTIONS, type ActionName } from './actions.js';
export { BoardModel } from './model.js';
export { type BoardOptions, type BoardServer, startBoard } from './server.js';
export { ColumnClock, computeState, criticalPath, type Sources } from './state.js';
export type { BoardState, Card, Column, StepDetail, TeamView } from './types.js';
