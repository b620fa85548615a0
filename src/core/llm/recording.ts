import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { redact } from '../../util/redact.js';
import { UsageError } from '../errors.js';
import type { LlmMessage, LlmRequest, LlmToolCall, LlmToolSpec, LlmUsage } from './types.js';

/** The part of a request that decides the answer: what a replay matches on. No keys, no URLs. */
export interface NormalisedRequest {
  model: string;
  system?: string;
  messages: LlmMessage[];
  tools?: Record<string, LlmToolSpec>;
}

export interface RecordedResponse {
  text: string;
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  model: string;
  finishReason: string;
}

/** One JSONL line of a recording. */
export interface RecordLine {
  v: 1;
  time: string;
  command?: string;
  stream: boolean;
  request: NormalisedRequest;
  response: RecordedResponse;
}

export function normaliseRequest(model: string, req: LlmRequest): NormalisedRequest {
  const out: NormalisedRequest = { model, messages: JSON.parse(JSON.stringify(req.messages)) };
  if (req.system) out.system = req.system;
  if (req.tools && Object.keys(req.tools).length) out.tools = JSON.parse(JSON.stringify(req.tools));
  return out;
}

/** JSON with object keys sorted, so equal requests compare equal whatever the key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Append one call to a recording (created with its folder if missing). */
export function appendRecord(file: string, line: RecordLine, secrets: readonly string[] = []): void {
  mkdirSync(dirname(file), { recursive: true });
  dropTornTail(file);
  // Masked (keys, URL passwords) and private (0600, set when the file is created): a
  // recording is meant to be attached to bug reports.
  const text = JSON.stringify(line, (_k, v) => (typeof v === 'string' ? redact(v, secrets) : v));
  appendFileSync(file, `${text}\n`, { mode: 0o600 });
}

/**
 * A process killed mid-append leaves a last line without its newline. Cut such a torn line
 * off before appending, so the next record starts on a line of its own instead of gluing
 * onto it.
 */
function dropTornTail(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return; // no recording yet
  }
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return;
  } finally {
    closeSync(fd);
  }
  const text = readFileSync(file);
  const start = text.lastIndexOf(0x0a) + 1;
  try {
    JSON.parse(text.subarray(start).toString('utf8'));
    appendFileSync(file, '\n'); // a whole line, only its newline missing (edited by hand)
  } catch {
    truncateSync(file, start);
  }
}

export interface Replayer {
  /** The recorded answer for this request; throws a UsageError printing the request when none. */
  answer(req: NormalisedRequest): RecordedResponse;
}

function readRecording(file: string): RecordLine[] {
  if (!existsSync(file)) {
    throw new UsageError(`the replay file ${file} does not exist`, {
      code: 'E_REPLAY',
      hint: 'record one first with --llm-record FILE',
    });
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: RecordLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: RecordLine;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      // The last line of a recording whose writer was killed mid-append: the call never finished.
      if (i === lines.length - 1) return;
      throw new UsageError(`${file}:${i + 1}: not a JSON line (${(err as Error).message})`, {
        code: 'E_REPLAY',
      });
    }
    if (!parsed?.request || !parsed?.response) {
      throw new UsageError(`${file}:${i + 1}: a recording line needs "request" and "response"`, {
        code: 'E_REPLAY',
      });
    }
    out.push(parsed);
  });
  return out;
}

/**
 * A looser identity of a request, for the second matching pass: what a tool returned and
 * the numbers in user text (test timings, durations, pids) differ from run to run, while
 * what the model decided (its tool calls, its text) and what we asked must still agree.
 */
function looseKey(req: NormalisedRequest): string {
  const messages = req.messages.map((m) => {
    if (m.role === 'tool')
      return {
        role: 'tool',
        results: m.results.map((r) => ({ toolName: r.toolName, isError: Boolean(r.isError) })),
      };
    if (m.role === 'user') return { role: 'user', content: m.content.replace(/\d+(?:\.\d+)?/g, '#') };
    return m;
  });
  return stableJson({ ...req, messages });
}

/**
 * Answer from a recording. Each recorded answer is used at most once; among the unused ones
 * the earliest whose request matches exactly wins (so a session replays in order, and
 * identical requests get their answers in recorded order). When none matches exactly, the
 * earliest unused one that matches {@link looseKey} answers: a replayed run whose tests print
 * other timings than the recorded run still replays.
 */
export function createReplayer(file: string): Replayer {
  let lines: RecordLine[] | undefined;
  const used = new Set<number>();
  return {
    answer(req) {
      lines ??= readRecording(file);
      const key = stableJson(req);
      let i = lines.findIndex((l, n) => !used.has(n) && stableJson(l.request) === key);
      if (i < 0) {
        const loose = looseKey(req);
        i = lines.findIndex((l, n) => !used.has(n) && looseKey(l.request) === loose);
      }
      if (i < 0) {
        const left = lines.length - used.size;
        throw new UsageError(
          `the replay file ${file} has no answer for this request (${left} unused of ${lines.length}):\n${JSON.stringify(req, null, 2)}`,
          {
            code: 'E_REPLAY',
            hint: 'the session diverged from the recording; record it again with --llm-record',
          },
        );
      }
      used.add(i);
      return lines[i]!.response;
    },
  };
}
