import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { WorkError } from '../errors.js';

/** One issue we created (or found already open), remembered so a re-run creates nothing twice. */
export interface PostedRecord {
  number: number;
  title: string;
  url: string;
  at: string;
}

/**
 * `.specloop/posted-issues.json`: repo → issue content hash → the GitHub issue.
 * Machine state, rewritten atomically after every issue so a crash loses nothing.
 */
export interface PostedState {
  version: 1;
  repos: Record<string, Record<string, PostedRecord>>;
}

export const POSTED_STATE_FILE = join('.specloop', 'posted-issues.json');

export function postedStatePath(root: string): string {
  return join(root, POSTED_STATE_FILE);
}

export async function loadPostedState(file: string): Promise<PostedState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { version: 1, repos: {} };
  }
  try {
    const data = JSON.parse(text) as PostedState;
    if (data && data.version === 1 && typeof data.repos === 'object') return data;
  } catch {}
  throw new WorkError(`cannot read ${file}: not a specloop posted-issues file`, {
    code: 'E_STATE',
    hint: 'move it aside; issues already open on GitHub are still recognised by title',
  });
}

export async function savePostedState(file: string, state: PostedState): Promise<void> {
  await atomicWrite(file, `${JSON.stringify(state, null, 2)}\n`);
}
