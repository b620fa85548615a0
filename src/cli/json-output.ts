import type { Sink } from '../core/context.js';

/** `--json` output: pretty-printed, one trailing newline, so it pipes cleanly into jq. */
export function printJson(sink: Sink, value: unknown): void {
  sink.write(`${JSON.stringify(value, null, 2)}\n`);
}
