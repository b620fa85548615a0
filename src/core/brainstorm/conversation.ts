import type { LlmMessage } from '../llm/types.js';
import { SPEC_READY } from './marker.js';
import type { DoneReason, Turn } from './types.js';

/** What the model reads when the person skipped a question. */
export const SKIPPED_ANSWER =
  '(I am skipping this one: pick a sensible default, note it as an assumption, and go on.)';

const STOP_NOTE: Record<Exclude<DoneReason, 'model'>, string> = {
  user: "Let's stop the questions here.",
  max: 'That was the last question we have time for.',
  'input-ended': "Let's stop the questions here.",
};

/** The interview so far as chat messages: the opening prompt, then question / answer pairs. */
export function interviewMessages(opening: string, turns: Turn[]): LlmMessage[] {
  const messages: LlmMessage[] = [{ role: 'user', content: opening }];
  for (const t of turns) {
    if (t.answer === undefined) break;
    messages.push({ role: 'assistant', content: t.question });
    messages.push({ role: 'user', content: t.skipped ? SKIPPED_ANSWER : t.answer });
  }
  return messages;
}

/**
 * The messages for the spec compile: the interview, how it ended, then the compile
 * instructions. Roles keep alternating (some providers insist): an unanswered last
 * question is included and the stop note answers it.
 */
export function compileMessages(
  opening: string,
  turns: Turn[],
  reason: DoneReason,
  compile: string,
): LlmMessage[] {
  const messages = interviewMessages(opening, turns);
  const pending = turns.find((t) => t.answer === undefined);
  if (reason === 'model') {
    messages.push({ role: 'assistant', content: SPEC_READY });
    messages.push({ role: 'user', content: compile });
    return messages;
  }
  if (pending) messages.push({ role: 'assistant', content: pending.question });
  const last = messages[messages.length - 1]!;
  const note = `${STOP_NOTE[reason]}\n\n${compile}`;
  if (last.role === 'user' && messages.length > 1) {
    // The interview ended right after an answer: fold the stop note into that message.
    last.content = `${last.content}\n\n${note}`;
  } else if (last.role === 'user') {
    last.content = `${last.content}\n\n(No questions were asked.)\n\n${compile}`;
  } else {
    messages.push({ role: 'user', content: note });
  }
  return messages;
}
