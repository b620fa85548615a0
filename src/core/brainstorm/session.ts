import { relative, resolve } from 'node:path';
import { type Context, rootOf } from '../context.js';
import { InterruptedError, isSpecloopError, UsageError, WorkError } from '../errors.js';
import type { LlmClient } from '../llm/types.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { compileSpec } from './compile.js';
import { interviewMessages } from './conversation.js';
import { hasSpecReady, markerFilter, stripSpecReady } from './marker.js';
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

function answeredCount(state: SessionState): number {
  return state.turns.filter((t) => t.answer !== undefined).length;
}

interface InterviewDeps extends BrainstormOptions {
  emit: (e: BrainstormEvent) => void;
  record: (r: TranscriptRecord) => Promise<void>;
  state: SessionState;
  opening: { system?: string; prompt: string };
}

/** The question loop: runs until the model signals the end, the person stops, or the cap. */
async function interview(ctx: Context, llm: LlmClient, d: InterviewDeps): Promise<void> {
  const { state, emit, record } = d;
  const now = () => ctx.clock.now();
  let repeated = state.turns.some((t) => t.answer === undefined);
  while (!state.done) {
    if (d.maxQuestions && answeredCount(state) >= d.maxQuestions) {
      await record({ type: 'done', reason: 'max', at: now() });
      break;
    }
    let pending = state.turns.find((t) => t.answer === undefined);
    if (!pending) {
      const n = state.turns.length + 1;
      emit({ type: 'asking', n });
      const filter = markerFilter((delta) => emit({ type: 'question-delta', n, delta }));
      const res = await llm.generate({
        role: 'brainstorm',
        model: d.model,
        system: d.opening.system,
        messages: interviewMessages(d.opening.prompt, state.turns),
        stream: true,
        onText: (delta) => filter.push(delta),
        signal: ctx.signal,
        command: ctx.command,
      });
      filter.flush();
      if (hasSpecReady(res.text)) {
        await record({ type: 'done', reason: 'model', at: now() });
        break;
      }
      const question = stripSpecReady(res.text);
      if (!question) throw new WorkError('the model sent an empty question', { code: 'E_BRAINSTORM' });
      await record({ type: 'question', n, text: question, at: now() });
      pending = state.turns[state.turns.length - 1]!;
    }
    emit({ type: 'question', n: pending.n, text: pending.question, max: d.maxQuestions, repeated });
    repeated = false;
    const reply = await d.input.next({ n: pending.n, question: pending.question, max: d.maxQuestions });
    if (reply.kind === 'answer') {
      if (reply.text.trim() === '') {
        emit({ type: 'notice', text: 'empty answer ignored (type /skip to skip a question)' });
        repeated = true;
        continue;
      }
      await record({ type: 'answer', n: pending.n, text: reply.text.trim(), at: now() });
      emit({ type: 'answer', n: pending.n, text: reply.text.trim() });
    } else if (reply.kind === 'eof') {
      await record({ type: 'done', reason: 'input-ended', at: now() });
    } else {
      repeated = true;
      switch (reply.name) {
        case 'skip':
          await record({ type: 'answer', n: pending.n, text: '', skipped: true, at: now() });
          emit({ type: 'answer', n: pending.n, text: '/skip', skipped: true });
          repeated = false;
          break;
        case 'back':
          if (answeredCount(state) === 0) emit({ type: 'notice', text: 'nothing to go back to yet' });
          else await record({ type: 'back', at: now() });
          break;
        case 'show':
          emit({ type: 'show', turns: state.turns });
          break;
        case 'help':
          emit({ type: 'help' });
          break;
        case 'done':
          await record({ type: 'done', reason: 'user', at: now() });
          break;
      }
    }
  }
  emit({ type: 'done', reason: state.done!, answered: answeredCount(state) });
}
