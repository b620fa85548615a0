/** One line of `.specloop/brainstorm/<id>.jsonl` (append-only; replayed to rebuild the session). */
export type TranscriptRecord =
  | { type: 'start'; id: string; idea: string; at: number; output?: string }
  | { type: 'question'; n: number; text: string; at: number }
  | { type: 'answer'; n: number; text: string; skipped?: boolean; at: number }
  /** `/back`: drop the pending question and re-open the previous answer. */
  | { type: 'back'; at: number }
  | { type: 'done'; reason: DoneReason; at: number }
  | { type: 'spec'; path: string; at: number };

/** Why the questions stopped: the model said so, the user typed /done, the cap, or input ran out. */
export type DoneReason = 'model' | 'user' | 'max' | 'input-ended';

export interface Turn {
  n: number;
  question: string;
  /** Undefined while the question waits for its answer. */
  answer?: string;
  skipped?: boolean;
}

export interface SessionState {
  id: string;
  idea: string;
  createdAt: number;
  /** The spec path chosen when the session started (relative to the project). */
  output?: string;
  turns: Turn[];
  done?: DoneReason;
  /** Set once spec.md has been written: the session is complete. */
  specPath?: string;
}

/** What the person said in reply to a question. */
export type Reply =
  | { kind: 'answer'; text: string }
  | { kind: 'command'; name: 'done' | 'back' | 'skip' | 'show' | 'help' }
  /** No more input (end of the answers file / stdin, Ctrl-D). */
  | { kind: 'eof' };

/** Where answers come from: the terminal, an answers file, or piped stdin. */
export interface AnswerSource {
  /** Wait for the reply to question `n`. Throws InterruptedError on Ctrl-C. */
  next(q: { n: number; question: string; max?: number }): Promise<Reply>;
  /** Yes/no question (TTY only); sources that cannot ask return undefined. */
  confirm?(question: string): Promise<boolean | undefined>;
  /** Ask for the idea itself when none was given (TTY only). */
  askIdea?(): Promise<string | undefined>;
  close(): void;
}

export type BrainstormEvent =
  | { type: 'session'; id: string; path: string; resumed: boolean; answered: number }
  | { type: 'asking'; n: number }
  | { type: 'question-delta'; n: number; delta: string }
  | { type: 'question'; n: number; text: string; max?: number; repeated: boolean }
  /** An answer was recorded (scripted modes echo it; the terminal already shows it). */
  | { type: 'answer'; n: number; text: string; skipped?: boolean }
  | { type: 'notice'; text: string }
  | { type: 'show'; turns: Turn[] }
  | { type: 'help' }
  | { type: 'done'; reason: DoneReason; answered: number }
  | { type: 'compiling' }
  | { type: 'spec-delta'; delta: string }
  /** The model finished the spec (before it is written: a terminal may still ask about overwriting). */
  | { type: 'compiled'; chars: number }
  | { type: 'spec-written'; path: string; numbered: boolean };
