import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptRecord } from '../../src/core/brainstorm/types.js';

/** What the fake model answers in brainstorm tests. */
export const SPEC_READY = '<<SPEC_READY>>';
export const SPEC_TEXT = `# Budget CLI

## Overview
Turns bank CSV exports into a monthly report.

## Requirements
1. Read CSV files.
`;

/** The (only) transcript file of a project, parsed. */
export function transcriptRecords(dir: string): {
  file: string;
  records: (TranscriptRecord & { id?: string })[];
} {
  const bdir = join(dir, '.specloop', 'brainstorm');
  const names = readdirSync(bdir).filter((n) => n.endsWith('.jsonl'));
  if (names.length !== 1) throw new Error(`expected one transcript, found ${names.join(', ')}`);
  const file = join(bdir, names[0]!);
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { file, records };
}
