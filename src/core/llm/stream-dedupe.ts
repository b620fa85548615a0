import { WorkError } from '../errors.js';

/**
 * Streams text to the caller across retries without repeating it: a retry's text is passed
 * on only beyond what earlier attempts already emitted, and must agree with it.
 */
export function dedupingSink(onText: ((d: string) => void) | undefined) {
  let emitted = '';
  return {
    attempt(): (d: string) => void {
      let text = '';
      return (d) => {
        text += d;
        const common = Math.min(text.length, emitted.length);
        if (text.slice(0, common) !== emitted.slice(0, common)) {
          throw new WorkError(
            `the answer stream broke off after ${emitted.length} characters and the retry answered differently`,
            { code: 'E_LLM_STREAM', hint: 'the partial output above is incomplete; run the command again' },
          );
        }
        if (text.length > emitted.length) {
          const fresh = text.slice(emitted.length);
          emitted = text;
          onText?.(fresh);
        }
      };
    },
  };
}
