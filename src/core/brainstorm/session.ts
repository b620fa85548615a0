import { relative, resolve } from 'node:path';
import { type Context, rootOf } from '../context.js';
import { InterruptedError, isSpecloopError, SpecloopError, UsageError, WorkError } from '../errors.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { compileSpec } from './compile.js';
import { answeredCount, interview } from './interview.js';
import {
  appendRecord,
  applyRecord,
  brainstormDir,
  createSession,
  findResumable,
  newSessionId,
  replay,
} from './transcript.js';
import type { AnswerSource, BrainstormEvent, DoneReason, SessionState, TranscriptRecord } from './types.js';

export interface BrainstormOptions {
  /** The idea for a new session (ignored with `resume`). */
  idea?: string;
  /** Continue the newest unfinished session (`true`) or the one with this id (prefix). */
  resume?: string | true;
  model?: string;
  /** Stop asking after this many answers. */
  maxQuestions?: number;
  /** Where to write the spec; default: the session's choice, else spec.md. */
  output?: string;
  /** Overwrite an existing spec instead of writing spec.<n>.md. */
  force: boolean;
  input: AnswerSource;
  onEvent?: (e: BrainstormEvent) => void;
}

export interface BrainstormResult {
  id: string;
  transcript: string;
  specPath: string;
  /** True when the spec went to spec.<n>.md because the target existed. */
  numbered: boolean;
  answered: number;
  reason: DoneReason;
}

/**
 * `specloop idea`: interview one question at a time, then compile spec.md. Every
 * question and answer is appended (fsync'd) to `.specloop/brainstorm/<id>.jsonl` before
 * anything else happens, so an interrupted or crashed session resumes exactly where it
 * stopped. Errors carry the resume command.
 */
export async function runBrainstorm(ctx: Context, opts: BrainstormOptions): Promise<BrainstormResult> {
  try {
    return await brainstorm(ctx, opts);
  } finally {
    opts.input.close();
  }
}

async function brainstorm(ctx: Context, opts: BrainstormOptions): Promise<BrainstormResult> {
  const emit = opts.onEvent ?? (() => {});
  const { file, state, resumed } = await openSession(ctx, opts);
  const shown = relative(ctx.cwd, file);
  const resumeHint = `the brainstorm is saved in ${shown}; continue with: specloop idea --resume ${state.id}`;
  const record = async (r: TranscriptRecord) => {
    await appendRecord(file, r);
    applyRecord(state, r);
  };
  emit({ type: 'session', id: state.id, path: shown, resumed, answered: answeredCount(state) });
  try {
    const template = await loadTemplate(ctx, 'brainstorm');
    const opening = renderTemplate(template, { idea: state.idea });
    const llm = await ctx.llm();
    const model = opts.model ?? template.model;
    await interview(ctx, llm, { ...opts, emit, record, state, opening, model });
    const specPath = resolve(rootOf(ctx), opts.output ?? state.output ?? 'spec.md');
    const written = await compileSpec(ctx, llm, {
      state,
      opening,
      model,
      specPath,
      force: opts.force,
      input: opts.input,
      emit,
    });
    await record({ type: 'spec', path: relative(ctx.cwd, written.path), at: ctx.clock.now() });
    return {
      id: state.id,
      transcript: file,
      specPath: written.path,
      numbered: written.numbered,
      answered: answeredCount(state),
      reason: state.done ?? 'user',
    };
  } catch (err) {
    if (err instanceof InterruptedError || ctx.signal.aborted)
      throw new InterruptedError(
        `interrupted — the brainstorm is saved in ${shown}\n  resume with: specloop idea --resume ${state.id}`,
      );
    if (isSpecloopError(err) && err.exitCode === 1)
      throw new WorkError(err.message, { code: err.code, hint: resumeHint, cause: err });
    // A configuration problem (bad key, unreachable endpoint …): its own hint first, then how
    // to continue once it is fixed — the answers so far are kept.
    if (isSpecloopError(err) && err.code.startsWith('E_INFRA'))
      throw new SpecloopError(err.message, {
        code: err.code,
        exitCode: err.exitCode,
        hint: err.hint ? `${err.hint}\n  ${resumeHint}` : resumeHint,
        cause: err,
      });
    throw err;
  }
}

async function openSession(
  ctx: Context,
  opts: BrainstormOptions,
): Promise<{ file: string; state: SessionState; resumed: boolean }> {
  const dir = brainstormDir(rootOf(ctx));
  if (opts.resume !== undefined) return { ...(await findResumable(dir, opts.resume)), resumed: true };
  const idea = (opts.idea ?? (await opts.input.askIdea?.()) ?? '').trim();
  if (!idea)
    throw new UsageError('no idea given', {
      code: 'E_NO_IDEA',
      hint: 'specloop idea "a CLI that …", or --file idea.md, or --resume to continue a session',
    });
  const start = { id: newSessionId(ctx.clock.now()), idea, at: ctx.clock.now(), output: opts.output };
  const file = await createSession(dir, start);
  return { file, state: replay([{ type: 'start', ...start }]), resumed: false };
}
