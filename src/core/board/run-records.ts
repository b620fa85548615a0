import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptRecord } from './types.js';

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

/** One attempt; `metaOnly` skips the text files (the cards need only the metadata). */
async function readAttempt(
  dir: string,
  runId: string,
  attempt: number,
  metaOnly = false,
): Promise<AttemptRecord> {
  const rec: AttemptRecord = { runId, attempt, files: [] };
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const low = name.toLowerCase();
    if (metaOnly && !low.endsWith('.json')) continue;
    if (low.endsWith('.json')) {
      try {
        const meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
        if (typeof meta.ok === 'boolean') rec.ok = meta.ok;
        if (typeof meta.reason === 'string') rec.reason = meta.reason;
        rec.durationMs ??= num(meta.durationMs);
        const tests = meta.tests as Record<string, unknown> | undefined;
        rec.testDurationMs ??= num(meta.testDurationMs) ?? num(tests?.durationMs);
        if (rec.ok === undefined && typeof tests?.ok === 'boolean') rec.ok = tests.ok;
      } catch {
        rec.files.push(name);
      }
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

/** Every attempt recorded for `step`, over all runs, oldest first. */
export async function stepAttempts(repoRoot: string, step: number): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  for (const runId of runIds(repoRoot)) {
    const sdir = join(runsDir(repoRoot), runId, `step-${step}`);
    if (!existsSync(sdir)) continue;
    const attempts = dirs(sdir)
      .map((d) => ({ d, k: Number(/^attempt-(\d+)$/.exec(d)?.[1]) }))
      .filter((a) => Number.isInteger(a.k))
      .sort((a, b) => a.k - b.k);
    for (const a of attempts) out.push(await readAttempt(join(sdir, a.d), runId, a.k));
  }
  return out;
}

/** The newest attempt of each step (for the cards): step → record. */
export async function latestAttempts(repoRoot: string): Promise<Map<number, AttemptRecord>> {
  const out = new Map<number, AttemptRecord>();
  for (const runId of runIds(repoRoot)) {
    for (const s of dirs(join(runsDir(repoRoot), runId))) {
      const n = Number(/^step-(\d+)$/.exec(s)?.[1]);
      if (!Number.isInteger(n)) continue;
      const sdir = join(runsDir(repoRoot), runId, s);
      const ks = dirs(sdir)
        .map((d) => Number(/^attempt-(\d+)$/.exec(d)?.[1]))
        .filter((k) => Number.isInteger(k));
      if (!ks.length) continue;
      const k = Math.max(...ks);
      out.set(n, await readAttempt(join(sdir, `attempt-${k}`), runId, k, true));
    }
  }
  return out;
}
