import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptRecord, StepRecords } from './types.js';

/**
 * Reads the run records `.specloop/runs/<run-id>/step-<N>/attempt-<K>/` (written by
 * `specloop run`). The reader goes by file names, not a fixed list, so it keeps working
 * while the writer grows: `*prompt*` is the prompt, `*test*` the test output,
 * `*transcript*` / `*output*` / `*.log` the agent's or CLI's output, `*.diff` / `*.patch`
 * the diff, and a `*.json` its metadata (`ok`, `reason`, `durationMs`, `testDurationMs`).
 */
const MAX_TEXT = 200_000;

export const runsDir = (repoRoot: string) => join(repoRoot, '.specloop', 'runs');

const dirs = (d: string) => {
  try {
    return readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
};

/** Run ids, oldest first (ids sort by time; mtime breaks ties for foreign names). */
export function runIds(repoRoot: string): string[] {
  const root = runsDir(repoRoot);
  return dirs(root).sort(
    (a, b) => statSync(join(root, a)).mtimeMs - statSync(join(root, b)).mtimeMs || (a < b ? -1 : 1),
  );
}

async function text(file: string): Promise<string> {
  const t = await readFile(file, 'utf8');
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}\n… (${t.length - MAX_TEXT} more characters)` : t;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What the board takes from an attempt's metadata file (`attempt.json`, run/run-record.ts). */
function applyMeta(rec: AttemptRecord, meta: Record<string, unknown>): void {
  if (typeof meta.ok === 'boolean') rec.ok = meta.ok;
  if (typeof meta.reason === 'string') rec.reason = meta.reason;
  rec.durationMs ??= num(meta.durationMs);
  const tests = meta.tests as Record<string, unknown> | undefined;
  rec.testDurationMs ??= num(meta.testDurationMs) ?? num(tests?.durationMs);
  if (rec.ok === undefined && typeof tests?.ok === 'boolean') rec.ok = tests.ok;
  const usage = meta.usage as Record<string, unknown> | undefined;
  rec.inputTokens ??= num(usage?.inputTokens);
  rec.outputTokens ??= num(usage?.outputTokens);
  rec.cost ??= num(meta.cost);
  if (typeof meta.startedAt === 'string') rec.startedAt ??= meta.startedAt;
  if (typeof meta.stoppedRun === 'string') rec.stoppedRun ??= meta.stoppedRun;
  if (rec.testCode === undefined && (typeof meta.testCode === 'number' || meta.testCode === null))
    rec.testCode = meta.testCode;
}

/**
 * Parsed metadata files by path, kept while the file's size and mtime stay: a refresh reads
 * every attempt's metadata (sums per step, the cost chart), and most of them never change.
 */
const metaCache = new Map<string, { key: string; meta: Record<string, unknown> | undefined }>();

async function readMeta(file: string): Promise<Record<string, unknown> | undefined> {
  let key: string;
  try {
    const st = statSync(file);
    key = `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
  const hit = metaCache.get(file);
  if (hit?.key === key) return hit.meta;
  let meta: Record<string, unknown> | undefined;
  try {
    const v = JSON.parse(await readFile(file, 'utf8'));
    meta = v && typeof v === 'object' ? v : undefined;
  } catch {
    meta = undefined;
  }
  if (metaCache.size > 20_000) metaCache.clear();
  metaCache.set(file, { key, meta });
  return meta;
}

/** One attempt; `metaOnly` skips the text files (the cards need only the metadata). */
async function readAttempt(
  dir: string,
  runId: string,
  attempt: number,
  metaOnly = false,
): Promise<AttemptRecord> {
  const rec: AttemptRecord = { runId, attempt, files: [] };
  if (metaOnly) {
    // The writer's one metadata file; a reader of foreign layouts falls back to any *.json.
    const known = join(dir, 'attempt.json');
    const names = existsSync(known)
      ? ['attempt.json']
      : readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json'));
    for (const name of names.sort()) {
      const meta = await readMeta(join(dir, name));
      if (meta) applyMeta(rec, meta);
    }
    return rec;
  }
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const low = name.toLowerCase();
    if (low.endsWith('.json')) {
      const meta = await readMeta(file);
      if (meta) applyMeta(rec, meta);
      else rec.files.push(name);
    } else if (low.includes('prompt')) rec.prompt = await text(file);
    else if (low.includes('test')) rec.testOutput = await text(file);
    else if (low.endsWith('.diff') || low.endsWith('.patch')) rec.diff = await text(file);
    else if (
      low.includes('transcript') ||
      low.includes('output') ||
      low.endsWith('.log') ||
      low.endsWith('.jsonl')
    )
      rec.transcript = (rec.transcript ? `${rec.transcript}\n` : '') + (await text(file));
    else rec.files.push(name);
  }
  return rec;
}

const attemptsOf = (sdir: string) =>
  dirs(sdir)
    .map((d) => ({ d, k: Number(/^attempt-(\d+)$/.exec(d)?.[1]) }))
    .filter((a) => Number.isInteger(a.k))
    .sort((a, b) => a.k - b.k);

/** Every attempt recorded for `step`, over all runs, oldest first. */
export async function stepAttempts(repoRoot: string, step: number): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  for (const runId of runIds(repoRoot)) {
    const sdir = join(runsDir(repoRoot), runId, `step-${step}`);
    if (!existsSync(sdir)) continue;
    for (const a of attemptsOf(sdir)) out.push(await readAttempt(join(sdir, a.d), runId, a.k));
  }
  return out;
}

/** Every attempt's metadata over all runs, oldest run first (the text files are not read). */
export async function allAttempts(repoRoot: string): Promise<(AttemptRecord & { step: number })[]> {
  const out: (AttemptRecord & { step: number })[] = [];
  for (const runId of runIds(repoRoot)) {
    for (const s of dirs(join(runsDir(repoRoot), runId))) {
      const step = Number(/^step-(\d+)$/.exec(s)?.[1]);
      if (!Number.isInteger(step)) continue;
      const sdir = join(runsDir(repoRoot), runId, s);
      for (const a of attemptsOf(sdir))
        out.push({ ...(await readAttempt(join(sdir, a.d), runId, a.k, true)), step });
    }
  }
  return out;
}

/**
 * Per step, for the cards: the newest attempt (of the newest run that recorded the step) and
 * the tokens and cost summed over every recorded attempt — what a `--parallel` or `--team`
 * run leaves here (it keeps no journal history).
 */
export function stepRecords(attempts: (AttemptRecord & { step: number })[]): Map<number, StepRecords> {
  const out = new Map<number, StepRecords>();
  for (const a of attempts) {
    const prev = out.get(a.step);
    const total = prev?.total ?? { input: 0, output: 0, cost: 0 };
    total.input += a.inputTokens ?? 0;
    total.output += a.outputTokens ?? 0;
    total.cost += a.cost ?? 0;
    const newer = !prev || a.runId !== prev.last.runId || a.attempt >= prev.last.attempt;
    out.set(a.step, { last: newer ? a : (prev?.last ?? a), total });
  }
  return out;
}
