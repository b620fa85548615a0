/**
 * The brainstorm behind `specloop idea`: the one-question-at-a-time loop, the
 * append-only transcript store (resumable after a crash), and the spec compile.
 */
export { fileAnswers, paragraphAnswers, parseReply, streamAnswers } from './answers.js';
export { numberedPath } from './compile.js';
export { answeredCount, type InterviewDeps, interview } from './interview.js';
export { hasSpecReady, markerFilter, SPEC_READY } from './marker.js';
export { brainstormRenderer, HELP_TEXT } from './render.js';
export { type BrainstormOptions, type BrainstormResult, runBrainstorm } from './session.js';
export {
  appendRecord,
  applyRecord,
  brainstormDir,
  createSession,
  findResumable,
  listSessions,
  loadTranscript,
  newSessionId,
  replay,
} from './transcript.js';
export { ttyAnswers } from './tty-input.js';
export type * from './types.js';
