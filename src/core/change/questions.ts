import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import {
  type AnswerSource,
  answeredCount,
  appendRecord,
  applyRecord,
  type BrainstormEvent,
  createSession,
  findResumable,
  interview,
  newSessionId,
  replay,
  type SessionState,
  type TranscriptRecord,
} from '../brainstorm/index.js';
import type { Context } from '../context.js';
import { isSpecloopError, UsageError } from '../errors.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';

/** `.specloop/change/<id>.jsonl`: the clarifying questions of change requests, like idea's. */
export const changeSessionsDir = (repo: string) => join(repo, '.specloop', 'change');

export interface ChangeSession {
  file: string;
  state: SessionState;
  resumed: boolean;
  record(r: TranscriptRecord): Promise<void>;
}

/** A new session for `request` (its plan path kept as the session's output), or the one to resume. */
export async function openChangeSession(
  ctx: Context,
  o: { repo: string; request?: string; planRel?: string; resume?: string | true },
): Promise<ChangeSession> {
  const dir = changeSessionsDir(o.repo);
  let opened: { file: string; state: SessionState; resumed: boolean };
  if (o.resume !== undefined) {
    try {
      opened = { ...(await findResumable(dir, o.resume)), resumed: true };
    } catch (err) {
      if (isSpecloopError(err) && err.exitCode === 2)
        throw new UsageError(err.message.replace('brainstorm', 'change request'), {
          code: err.code,
          hint: 'start one with `specloop change "what to change"`',
        });
      throw err;
    }
  } else {
    const start = {
      id: newSessionId(ctx.clock.now()),
      idea: o.request ?? '',
      at: ctx.clock.now(),
      output: o.planRel,
    };
    opened = {
      file: await createSession(dir, start),
      state: replay([{ type: 'start', ...start }]),
      resumed: false,
    };
    // Transcripts are machine state: never in `git status`, even without init's .gitignore lines.
    const ignore = join(dir, '.gitignore');
    if (!existsSync(ignore)) await atomicWrite(ignore, '*\n');
  }
  const { file, state } = opened;
  return {
    ...opened,
    record: async (r) => {
      await appendRecord(file, r);
      applyRecord(state, r);
    },
  };
}

/**
 * Up to `max` clarifying questions, one at a time, through brainstorm's question loop
 * (same commands, same transcript, resumable). Returns the answers as prompt text.
 */
export async function clarify(
  ctx: Context,
  o: {
    session: ChangeSession;
    context: string;
    max: number;
    model?: string;
    input: AnswerSource;
    emit: (e: BrainstormEvent) => void;
  },
): Promise<string> {
  const { state } = o.session;
  o.emit({
    type: 'session',
    id: state.id,
    path: relative(ctx.cwd, o.session.file),
    resumed: o.session.resumed,
    answered: answeredCount(state),
  });
  const template = await loadTemplate(ctx, 'change-questions');
  const opening = renderTemplate(template, { request: state.idea, context: o.context, max: String(o.max) });
  const llm = await ctx.llm();
  await interview(ctx, llm, {
    model: o.model ?? template.model,
    maxQuestions: o.max,
    input: o.input,
    emit: o.emit,
    record: o.session.record,
    state,
    opening,
  });
  return answersText(state);
}

/** The settled questions as a block for the plan prompt ('' when none were asked). */
export function answersText(state: SessionState): string {
  const qa = state.turns.filter((t) => t.answer !== undefined);
  if (qa.length === 0) return '';
  const lines = qa.map(
    (t) =>
      `Q: ${t.question}\nA: ${t.skipped ? '(skipped: choose a sensible default and say so in the plan)' : t.answer}`,
  );
  return `What I answered to clarifying questions:\n\n<answers>\n${lines.join('\n\n')}\n</answers>`;
}
