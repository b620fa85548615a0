/**
 * The line the brainstorm model sends instead of a question when it has enough for a
 * spec. The brainstorm template asks for it; a customised template must keep it.
 */
export const SPEC_READY = '<<SPEC_READY>>';

/** A line without surrounding whitespace and markdown decoration (`**<<SPEC_READY>>**`). */
const bare = (line: string) =>
  line
    .trim()
    .replace(/^[`*]+|[`*]+$/g, '')
    .trim();

/** True when the reply carries the end signal on a line of its own (tolerating markdown decoration). */
export function hasSpecReady(text: string): boolean {
  return text.split('\n').some((l) => bare(l) === SPEC_READY);
}

/** The reply without the signal line. */
export function stripSpecReady(text: string): string {
  return text
    .split('\n')
    .filter((l) => bare(l) !== SPEC_READY)
    .join('\n')
    .trim();
}

/**
 * Pass streamed text through, but hold back a line while it could still turn out to be
 * the end signal, so the person never sees `<<SPEC_READY>>` flash on screen.
 */
export function markerFilter(emit: (text: string) => void): { push(delta: string): void; flush(): void } {
  let line = '';
  let passing = false;
  const couldBeMarker = (s: string) => SPEC_READY.startsWith(s.trimStart().replace(/^[`*]+/, ''));
  return {
    push(delta) {
      let out = '';
      for (const ch of delta) {
        if (passing) {
          out += ch;
          if (ch === '\n') passing = false;
          continue;
        }
        line += ch;
        if (ch === '\n') {
          if (bare(line) !== SPEC_READY) out += line;
          line = '';
        } else if (!couldBeMarker(line)) {
          out += line;
          line = '';
          passing = true;
        }
      }
      if (out) emit(out);
    },
    flush() {
      if (line && bare(line) !== SPEC_READY) emit(line);
      line = '';
      passing = false;
    },
  };
}
