import type { Context } from '../context.js';
import { WorkError } from '../errors.js';
import type { LlmClient } from '../llm/types.js';
import { interviewMessages } from './conversation.js';
import { hasSpecReady, markerFilter, stripSpecReady } from './marker.js';
import type { AnswerSource, BrainstormEvent, SessionState, TranscriptRecord } from './types.js';

/** Questions answered (or skipped) so far. */
export function answeredCount(state: SessionState): number {
  return state.turns.filter((t) => t.answer !== undefined).length;
}

export interface InterviewDeps {
  model?: string;
  /** Stop asking after this many answers. */
  maxQuestions?: number;
  input: AnswerSource;
  emit: (e: BrainstormEvent) => void;
  record: (r: TranscriptRecord) => Promise<void>;
  state: SessionState;
  opening: { system?: string; prompt: string };
}

/**
 * The question loop, shared by `idea` and `change`: one question per model call, each
 * recorded before it is shown, until the model signals the end (`<<SPEC_READY>>`), the
 * person stops, or the cap. `opening` decides what the questions are about.
 */
export async function interview(ctx: Context, llm: LlmClient, d: InterviewDeps): Promise<void> {
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
