/**
 * The part of a test run's output that says why it failed. The tail of a long run is mostly
 * passing tests and a summary; the failure's details can be thousands of lines earlier
 * (node:test prints them in place). So: find the failure markers of the common runners, keep
 * a window around each (the failing test's name, assertion, diff and location) plus the
 * summary at the end; with no marker, the head and the tail.
 */

/**
 * Lines that start a failure's report, by runner. `detail` markers open the block with the
 * assertion, diff and location (kept with the lines after them); `list` markers only name a
 * failing test in a progress list or summary (kept as a line or two, if room remains).
 */
const DETAIL: RegExp[] = [
  /^\s*not ok \d+/, // TAP (node --test, tap, bats …): details follow in YAML
  /^\s*FAIL\s+\S+.* > /, // vitest: ` FAIL  file > suite > test`
  /^\s*● /, // jest: `● suite › test`
  /^_{3,} .+ _{3,}$/, // pytest: `____ test_name ____`
  /^\s*--- FAIL: /, // go test
  /^---- \S+ stdout ----$/, // cargo test
  /^test at \S+:\d+:\d+$/, // node:test spec reporter, "failing tests" section
  /^(Traceback \(most recent call last\)|panic: |thread '.*' panicked at)/,
];
const LIST: RegExp[] = [
  /^\s*✖ /, // node:test spec reporter
  /^\s*(FAIL|×|✗|✕)\s+\S/, // vitest / jest progress lines
  /^FAILED \S/, // pytest short summary
  /^test \S+ \.\.\. FAILED$/, // cargo test
  /^\s*[ℹ#] fail \d+$/, // node:test counts (the spec reporter prints them before the details)
  /\b(AssertionError|SyntaxError|TypeError|ReferenceError)\b|^\s*Error: /,
];

/** How far a window reaches around a marker (lines). */
const BEFORE = 1;
const AFTER_DETAIL = 30;
const AFTER_LIST = 1;
/** The summary at the end of every runner's output. */
const TAIL_LINES = 12;

export interface ExcerptOptions {
  /** Upper bound of the excerpt in characters (default 8000). */
  maxChars?: number;
}

const isDetail = (line: string) => DETAIL.some((re) => re.test(line));
const isMarker = (line: string) => isDetail(line) || LIST.some((re) => re.test(line));

type Range = [number, number];

/** Line ranges around one kind of marker, in order. */
function windows(lines: string[], detail: boolean): Range[] {
  const out: Range[] = [];
  lines.forEach((line, i) => {
    if (detail ? !isDetail(line) : isDetail(line) || !isMarker(line)) return;
    out.push([Math.max(0, i - BEFORE), Math.min(lines.length, i + (detail ? AFTER_DETAIL : AFTER_LIST) + 1)]);
  });
  return out;
}

/** Sorted, overlapping or touching ranges merged. */
function merge(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function render(lines: string[], ranges: [number, number][]): string {
  const parts: string[] = [];
  let at = 0;
  for (const [s, e] of ranges) {
    if (s > at) parts.push(`[… ${s - at} line(s) omitted …]`);
    parts.push(...lines.slice(s, e));
    at = e;
  }
  if (at < lines.length) parts.push(`[… ${lines.length - at} line(s) omitted …]`);
  return parts.join('\n');
}

function headTail(text: string, maxChars: number): string {
  const head = Math.floor(maxChars * 0.3);
  const tail = maxChars - head;
  const a = text.slice(0, head);
  const b = text.slice(-tail);
  const headCut = a.slice(0, Math.max(a.lastIndexOf('\n'), 0) || a.length);
  const tailCut = b.slice(b.indexOf('\n') + 1);
  const omitted = text.length - headCut.length - tailCut.length;
  return `${headCut}\n[… ${omitted} characters omitted …]\n${tailCut}`;
}

/**
 * The failure-centred excerpt of `output`, at most `maxChars` long: every failure's window
 * while they fit (the first failures first), then the runner's summary; head + tail when
 * no marker is found. Short output is returned whole.
 */
export function failureExcerpt(output: string, o: ExcerptOptions = {}): string {
  const maxChars = o.maxChars ?? 8000;
  const text = output.replace(/\s+$/, '');
  if (text.length <= maxChars) return text;
  const lines = text.split('\n');
  // The failures' own reports first, then the lines that merely name a failing test.
  const candidates = [...windows(lines, true), ...windows(lines, false)];
  if (candidates.length === 0) return headTail(text, maxChars);
  const summary: Range = [Math.max(0, lines.length - TAIL_LINES), lines.length];
  const picked: Range[] = [summary];
  for (const w of candidates) {
    if (render(lines, merge([...picked, w])).length <= maxChars) picked.push(w);
    else if (picked.length === 1) {
      // Not even the first failure fits whole: keep its start (name, assertion, location).
      const room = Math.max(3, Math.floor((maxChars - render(lines, picked).length) / 100));
      picked.push([w[0], Math.min(w[1], w[0] + room)]);
    }
  }
  const out = render(lines, merge(picked));
  return out.length <= maxChars ? out : `${out.slice(0, maxChars - 12)}\n[… cut …]`;
}

/** Whether the output shows a recognisable failure report (for the terminal's wording). */
export function hasFailureMarkers(output: string): boolean {
  return output.split('\n').some(isMarker);
}
