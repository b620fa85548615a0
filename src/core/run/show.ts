import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireRepo } from '../git/index.js';
import { type RecordPart, readStepRecord, type StepRecord } from './run-record.js';
import { failureExcerpt } from './test-excerpt.js';

export interface ShowOptions {
  step: number;
  /** A run id (`.specloop/runs/<id>`); default the latest run that has the step. */
  run?: string;
  /** Print one file of an attempt whole instead of the summary. */
  part?: RecordPart;
  /** Which attempt `part` / the excerpt comes from (default the last). */
  attempt?: number;
  /** Characters of the failure excerpt (default 4000). */
  excerptChars?: number;
}

export interface ShowResult extends StepRecord {
  /** The attempt the excerpt / part comes from. */
  shown: number;
  /** The failure-centred excerpt of that attempt's test output (when it has one). */
  testExcerpt?: string;
  /** The requested part, whole. */
  text?: string;
}

/**
 * `specloop show <step>`: the record of a step's attempts in the latest run — outcome and
 * reason of each, usage and cost, where the files are — and the failure-centred excerpt of
 * the last attempt's test output (or one file whole with `part`).
 */
export async function showStep(ctx: Context, o: ShowOptions): Promise<ShowResult> {
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  const rec = await readStepRecord(repo, o.step, o.run);
  if (!rec)
    throw new UsageError(
      `no record of step ${o.step}${o.run ? ` in run ${o.run}` : ''} under .specloop/runs/`,
      {
        code: 'E_NO_RECORD',
        hint: 'records are written by `specloop run` for every attempt; run the step first (`specloop run --step N`)',
      },
    );
  const shown = o.attempt ?? (rec.attempts.at(-1)?.attempt as number);
  const a = rec.attempts.find((x) => x.attempt === shown);
  if (!a)
    throw new UsageError(`step ${o.step} has no attempt ${shown} in run ${rec.runId}`, {
      hint: `attempts recorded: ${rec.attempts.map((x) => x.attempt).join(', ')}`,
    });
  const read = (p: RecordPart) => (a.files[p] ? readFile(join(repo, a.files[p]), 'utf8') : undefined);
  if (o.part) {
    const text = await read(o.part);
    if (text === undefined)
      throw new UsageError(`attempt ${shown} of step ${o.step} has no ${o.part} recorded`, {
        hint: `recorded: ${Object.keys(a.files).join(', ') || 'nothing but attempt.json'}`,
      });
    return { ...rec, shown, text };
  }
  const tests = await read('tests');
  const testExcerpt =
    tests !== undefined && !a.ok ? failureExcerpt(tests, { maxChars: o.excerptChars ?? 4000 }) : undefined;
  return { ...rec, shown, testExcerpt };
}
